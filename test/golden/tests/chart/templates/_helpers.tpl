{{/* The chart's name, cut to the 63 characters Kubernetes allows in names. */}}
{{- define "tests.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name: the release name, unless it lacks the chart's name. */}}
{{- define "tests.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tests.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tests.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tests.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tests.labels" -}}
helm.sh/chart: {{ include "tests.chart" . }}
{{ include "tests.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: keptn-integrations
{{- end }}

{{- define "tests.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tests.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the Keptn API token of a remote execution plane. */}}
{{- define "tests.apiTokenSecret" -}}
{{- .Values.remoteControlPlane.api.existingSecret | default (printf "%s-keptn-api" (include "tests.fullname" .)) }}
{{- end }}

{{/* The chart's name, cut to the 63 characters Kubernetes allows in names. */}}
{{- define "db-migrate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name: the release name, unless it lacks the chart's name. */}}
{{- define "db-migrate.fullname" -}}
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

{{- define "db-migrate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "db-migrate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "db-migrate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "db-migrate.labels" -}}
helm.sh/chart: {{ include "db-migrate.chart" . }}
{{ include "db-migrate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: keptn-integrations
{{- end }}

{{- define "db-migrate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "db-migrate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the Keptn API token of a remote execution plane. */}}
{{- define "db-migrate.apiTokenSecret" -}}
{{- .Values.remoteControlPlane.api.existingSecret | default (printf "%s-keptn-api" (include "db-migrate.fullname" .)) }}
{{- end }}

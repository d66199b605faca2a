#!/usr/bin/env bash
# Uploads what prometheus-sli reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# prometheus-sli/sli.yaml: the query of each indicator
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/prometheus-sli/sli.yaml --resourceUri=prometheus-sli/sli.yaml

# slo.yaml: the objectives the lighthouse scores
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/slo.yaml --resourceUri=slo.yaml

keptn configure monitoring prometheus-sli --project="$PROJECT" --service="$SERVICE"

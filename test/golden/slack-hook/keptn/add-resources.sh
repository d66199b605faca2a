#!/usr/bin/env bash
# Uploads what slack-hook reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# webhook/webhook.yaml: which HTTP call the webhook-service makes for which event
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/webhook/webhook.yaml --resourceUri=webhook/webhook.yaml

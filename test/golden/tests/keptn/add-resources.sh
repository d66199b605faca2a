#!/usr/bin/env bash
# Uploads what tests reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# tests/checks.yaml: the HTTP checks the test runs against the deployed service
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/tests/checks.yaml --resourceUri=tests/checks.yaml

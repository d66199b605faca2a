#!/usr/bin/env bash
# Uploads what db-migrate-job reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# job/config.yaml: which job the job executor runs for which event
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/job/config.yaml --resourceUri=job/config.yaml

# db-migrate-job/run.sh: what the job does for each event
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/db-migrate-job/run.sh --resourceUri=db-migrate-job/run.sh

#!/usr/bin/env bash
# Uploads what k6-job reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# job/config.yaml: which job the job executor runs for which event
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/job/config.yaml --resourceUri=job/config.yaml

# k6/functional.js: the k6 test for teststrategy functional
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/k6/functional.js --resourceUri=k6/functional.js

# k6/performance.js: the k6 test for teststrategy performance
keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/k6/performance.js --resourceUri=k6/performance.js

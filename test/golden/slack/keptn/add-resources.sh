#!/usr/bin/env bash
# Uploads what slack reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# slack reads no resources from Keptn: there is nothing to upload.
echo "slack needs no Keptn resources (project $PROJECT, stage $STAGE, service $SERVICE)."

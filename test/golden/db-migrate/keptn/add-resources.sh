#!/usr/bin/env bash
# Uploads what db-migrate reads at run time to Keptn (Keptn 1.4.5 CLI).
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/add-resources.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# db-migrate reads no resources from Keptn: there is nothing to upload.
echo "db-migrate needs no Keptn resources (project $PROJECT, stage $STAGE, service $SERVICE)."

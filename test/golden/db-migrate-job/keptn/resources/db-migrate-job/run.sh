#!/bin/sh
# What db-migrate-job does for each event, run as a Kubernetes Job by the job-executor-service.
# job/config.yaml sets EVENT_TYPE (the event's type), EVENT_ID and KEPTN_CONTEXT (its id and
# shkeptncontext) and EVENT (the whole event as JSON); the job executor itself sets KEPTN_PROJECT,
# KEPTN_STAGE and KEPTN_SERVICE (and LABELS_<KEY> per label). Exiting non-zero ends the task with result fail.
set -eu

case "$EVENT_TYPE" in
  sh.keptn.event.db-migrate.triggered)
    echo "db-migrate for ${KEPTN_PROJECT:-?}/${KEPTN_STAGE:-?}/${KEPTN_SERVICE:-?}"
    # The work of the task goes here. The job's image is alpine; name your tool's image in
    # job/config.yaml instead, and list the files it needs there.
    ;;
  *)
    echo "$EVENT_TYPE: not handled here (job/config.yaml runs this script for the tasks above)"
    ;;
esac

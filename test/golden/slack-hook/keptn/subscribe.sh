#!/usr/bin/env bash
# Subscribes Keptn's webhook-service to the events of slack-hook and writes the subscription ids into
# resources/webhook/webhook.yaml, then uploads that file (Keptn 1.4.5).
#
# The webhook-service has no subscriptions of its own, and it picks the webhook for an event only by
# the id of the subscription that delivered it. So each webhook in webhook.yaml names one: for every
# event type below this script reuses the webhook-service subscription with that event and exactly
# this project, stage and service, or creates it (Keptn's API never deduplicates), and writes its id
# into the subscriptionID line right after that webhook's `- type:` line. Running it again changes
# nothing on Keptn and writes the same ids.
#
# Without this script, in Keptn's Bridge: Uniform → webhook-service → Add subscription (the event,
# project, stage and service below), paste the subscription's id into that webhook's subscriptionID
# in resources/webhook/webhook.yaml, and upload the file with the keptn add-resource line at the end.
#
# Needs curl, jq, the keptn CLI (authenticated) and Keptn's API:
#   KEPTN_ENDPOINT=https://keptn.example.com/api KEPTN_API_TOKEN=... ./keptn/subscribe.sh
# The example coordinates can be overridden: PROJECT=p STAGE=s SERVICE=svc ./keptn/subscribe.sh
set -euo pipefail
cd "$(dirname "$0")"

PROJECT="${PROJECT:-sockshop}"
STAGE="${STAGE:-dev}"
SERVICE="${SERVICE:-carts}"

# The event types slack-hook handles: one webhook each in webhook.yaml.
EVENTS=(
  sh.keptn.event.evaluation.finished
)
WEBHOOK=resources/webhook/webhook.yaml

fail() {
  echo "subscribe.sh: $1" >&2
  exit "${2:-1}"
}

if [ -z "${KEPTN_ENDPOINT:-}" ]; then
  fail "KEPTN_ENDPOINT is not set: Keptn's API, e.g. KEPTN_ENDPOINT=https://keptn.example.com/api" 2
fi
if [ -z "${KEPTN_API_TOKEN:-}" ]; then
  fail "KEPTN_API_TOKEN is not set: Keptn's API token, e.g. KEPTN_API_TOKEN=\$(kubectl get secret keptn-api-token -n keptn -o jsonpath='{.data.keptn-api-token}' | base64 -d)" 2
fi
for tool in curl jq keptn; do
  command -v "$tool" >/dev/null || fail "$tool is missing: this script needs curl, jq and the keptn CLI" 2
done
[ -f "$WEBHOOK" ] || fail "$WEBHOOK is missing: it holds the webhooks whose subscription ids this script writes" 2

# The webhooks of webhook.yaml as "type<TAB>subscriptionID", for each `- type:` line that the
# subscriptionID line directly follows, two spaces further in. POSIX awk (GNU, BSD/macOS, mawk).
AWK_COMMON='
function unquote(v) {
  sub(/\r$/, "", v); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
  first = substr(v, 1, 1)
  if (length(v) >= 2 && substr(v, length(v)) == first && (first == "\"" || first == sprintf("%c", 39))) v = substr(v, 2, length(v) - 2)
  return v
}
function typeLine(line) {
  if (line !~ /^ *- type:/) return 0
  match(line, /^ */); indent = substr(line, 1, RLENGTH); type = unquote(substr(line, RLENGTH + 8))
  return 1
}
function idLine(line) { return pending != "" && index(line, indent "  subscriptionID:") == 1 }
'
webhooks() {
  awk "$AWK_COMMON"'
    { if (idLine($0)) print pending "\t" unquote(substr($0, length(indent) + 18)); pending = "" }
    typeLine($0) { pending = type }
  ' "$WEBHOOK"
}

# Writes the ids (arguments: type id type id …) into webhook.yaml; every other byte stays as it was,
# a missing newline at the end included. The file is only rewritten when an id changed.
write_ids() {
  local newline=0
  [ -n "$(tail -c 1 "$WEBHOOK")" ] || newline=1
  awk -v newline="$newline" "$AWK_COMMON"'
    BEGIN { for (i = 2; i + 1 < ARGC; i += 2) { id[ARGV[i]] = ARGV[i + 1]; ARGV[i] = ""; ARGV[i + 1] = "" } }
    {
      line = $0
      if (idLine(line)) line = indent "  subscriptionID: \"" id[pending] "\"" (line ~ /\r$/ ? "\r" : "")
      pending = ""
      if (typeLine(line) && (type in id)) pending = type
      printf "%s%s", (NR > 1 ? "\n" : ""), line
    }
    END { if (newline && NR > 0) printf "\n" }
  ' "$WEBHOOK" "$@" >"$tmp/webhook.yaml"
  cmp -s "$tmp/webhook.yaml" "$WEBHOOK" || cat "$tmp/webhook.yaml" >"$WEBHOOK"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/subscribe.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The subscriptionID that webhook.yaml holds for an event type; fails when it has no such webhook.
webhooks >"$tmp/webhooks"
current_id() {
  awk -F '\t' -v type="$1" '$1 == type { print $2; found = 1; exit } END { exit !found }' "$tmp/webhooks"
}
# Every event needs its webhook before anything changes on Keptn.
for event in "${EVENTS[@]}"; do
  current_id "$event" >/dev/null || fail "$WEBHOOK has no webhook for $event: a \`- type: \"$event\"\` line followed directly by its subscriptionID line" 2
done

# The token reaches curl in a config file (this folder is the user's own, mode 700): never on a
# command line, where `ps` shows it, and never in the output.
token=${KEPTN_API_TOKEN//\\/\\\\}
printf 'header = "x-token: %s"\n' "${token//\"/\\\"}" >"$tmp/curl.conf"

# The first line of an error answer: Keptn's JSON `message`, else the text without HTML tags.
message() {
  local text
  text=$(jq -r 'if type == "object" and (.message | type) == "string" then .message else empty end' "$1" 2>/dev/null) || text=""
  [ -n "$text" ] || text=$(sed 's/<[^>]*>//g' "$1")
  text=$(printf '%s' "${text//"$KEPTN_API_TOKEN"/<token>}" | tr -s ' \t\r\n' '    ' | cut -c 1-200)
  text=${text# }
  printf '%s' "${text:+: ${text% }}"
}

# request METHOD URL [JSON]: the answer's body in "$tmp/body". An HTTP error or no answer ends the
# script with one line, the status and Keptn's message. (The status is read here, not with curl's
# --fail-with-body, which curl has only from 7.76.)
request() {
  local method=$1 url=$2 status
  local args=(-sS --max-time 30 --config "$tmp/curl.conf" -X "$method" -H 'Accept: application/json' -o "$tmp/body" -w '%{http_code}')
  [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
  : >"$tmp/body"
  status=$(curl "${args[@]}" "$url" 2>"$tmp/error") || fail "no answer from $method $url: $(head -n 1 "$tmp/error" | sed 's/^curl: //')"
  case $status in
    2??) ;;
    *) fail "$status from $method $url$(message "$tmp/body")" ;;
  esac
}

REGISTRATION="${KEPTN_ENDPOINT%/}/controlPlane/v1/uniform/registration"

# The webhook-service's integration; with several (before Keptn 0.16 a pod moved to another node
# registers anew), the one seen last.
request GET "$REGISTRATION?name=webhook-service"
integration=$(jq -r '
  def seen: (.metadata.lastseen // "") | capture("^(?<s>[^.]*?)(?<f>\\.[0-9]+)?(?<z>Z|[+-][0-9:]+)?$") // {s: ., f: ""}
    | [.s, ((.f // "" | ltrimstr(".")) + "000000000")[0:9]];
  [.[]? | select(.name == "webhook-service" and (.id // "") != "")] | sort_by(seen) | last | .id // empty
' "$tmp/body") || fail "GET $REGISTRATION answered with something else than a JSON list of integrations"
[ -n "$integration" ] || fail "no webhook-service is registered with Keptn at $KEPTN_ENDPOINT: is the webhook-service running? (Keptn 0.10 or later)"
SUBSCRIPTIONS="$REGISTRATION/$(jq -rn --arg id "$integration" '$id | @uri')/subscription"

request GET "$SUBSCRIPTIONS"
jq -e 'type == "array" or type == "null"' "$tmp/body" >/dev/null 2>&1 || fail "GET $SUBSCRIPTIONS answered with something else than a JSON list of subscriptions"
cp "$tmp/body" "$tmp/subscriptions"

ids=()
created=0
for event in "${EVENTS[@]}"; do
  # A subscription with this event and exactly this filter; the one webhook.yaml names, if it is one.
  id=$(jq -r --arg event "$event" --arg project "$PROJECT" --arg stage "$STAGE" --arg service "$SERVICE" --arg current "$(current_id "$event")" '
    [.[]? | select(.event == $event and (.filter.projects // []) == [$project]
      and (.filter.stages // []) == [$stage] and (.filter.services // []) == [$service]) | .id // empty]
    | if any(.[]; . == $current) then $current else .[0] // empty end
  ' "$tmp/subscriptions")
  if [ -n "$id" ]; then
    echo "already subscribed $event ($id)"
  else
    request POST "$SUBSCRIPTIONS" "$(jq -cn --arg event "$event" --arg project "$PROJECT" --arg stage "$STAGE" --arg service "$SERVICE" \
      '{event: $event, filter: {projects: [$project], stages: [$stage], services: [$service]}}')"
    id=$(jq -r '.id // empty' "$tmp/body" 2>/dev/null) || id=""
    [[ $id =~ ^[A-Za-z0-9._-]+$ ]] || fail "POST $SUBSCRIPTIONS answered without a subscription id$(message "$tmp/body")"
    echo "subscribed $event ($id)"
    created=$((created + 1))
  fi
  [[ $id =~ ^[A-Za-z0-9._-]+$ ]] || fail "Keptn lists a subscription of $event with an unexpected id: $id"
  ids+=("$event" "$id")
done

write_ids "${ids[@]}"
echo "wrote the subscription ids into keptn/$WEBHOOK"

keptn add-resource --project="$PROJECT" --stage="$STAGE" --service="$SERVICE" --resource=resources/webhook/webhook.yaml --resourceUri=webhook/webhook.yaml

if [ "$created" -gt 0 ]; then
  echo "The webhook-service sees new subscriptions after about 5 s (Keptn 1.4.5): wait that long before sending events."
fi

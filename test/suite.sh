#!/usr/bin/env bash
# The whole suite as npm test runs it, ending on its summary line ("tests: N passed, N failed,
# N skipped"): vitest's own last words (the temp-directory check, a pool's warning) come before it.
# The exit code is vitest's.
set -uo pipefail
cd "$(dirname "$0")/.."
summary=$(mktemp)
SUMMARY_FILE="$summary" npx vitest run --config test/vitest.config.ts --root . --reporter=default --reporter=./test/summary-reporter.ts "$@"
code=$?
cat "$summary"
rm -f "$summary"
exit "$code"

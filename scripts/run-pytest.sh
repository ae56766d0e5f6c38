#!/usr/bin/env bash
# Runs pytest and refuses a run that collected no tests (pytest's exit code 5).
set -uo pipefail
"$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"

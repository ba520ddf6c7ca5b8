#!/usr/bin/env bash
# The README's test command: builds the solution and runs the whole test suite.
# Services the tests need are installed and started by scripts/test-services.sh (when present).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -x scripts/test-services.sh ]]; then
  # shellcheck source=/dev/null
  source scripts/test-services.sh
  trap test_services_stop EXIT
  test_services_start
fi

# A test that runs for 8 minutes is taken as hung (the longest takes about 2): the run stops and names it, rather than
# waiting out CI's time limit. The failures are repeated at the end, where a truncated log still shows them.
log="$(mktemp -t gateway-tests.XXXXXX.log)"
status=0
dotnet test OrleansGateway.sln -c Release --logger "console;verbosity=normal" \
  --blame-hang-timeout 8m --blame-hang-dump-type none "$@" 2>&1 | tee "$log" || status=$?
if [[ $status -ne 0 ]]; then
  echo
  echo "=== The run failed (exit $status). Failed tests, repeated from above (whole log: $log) ==="
  awk '/^  Failed /{n=30} n>0{print; n--}' "$log" | cut -c1-400
  grep -E "test host process crashed|was aborted|hang|Blame" "$log" | head -20 || true
fi
exit $status

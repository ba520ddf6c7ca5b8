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

dotnet test OrleansGateway.sln -c Release --logger "console;verbosity=normal" "$@"

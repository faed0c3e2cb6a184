#!/usr/bin/env bash
# The end-to-end suite in a real VS Code: installs code-server, Node 24 (for code-server only) and
# Chromium into a cache outside the repo (scripts/install-code-server.sh; cached between runs),
# packages the extension (`npm run package` → go-heap-debugger.vsix), installs it into
# code-server, and drives the workbench with playwright-core (test/e2e/run.ts). Screenshots and
# report.json go to test-artifacts/e2e/.
#
#   bash scripts/e2e.sh                    # the suite
#   E2E_SCREENSHOTS=media/screenshots bash scripts/e2e.sh   # also refresh the README screenshot
#   GOHEAP_E2E_CACHE=/var/cache/goheap-e2e bash scripts/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
bash scripts/setup.sh
eval "$(bash scripts/install-code-server.sh "${GOHEAP_E2E_CACHE:-$HOME/.cache/goheap-e2e}" | grep -E '^[A-Z_]+=')"
export CODE_SERVER CODE_SERVER_NODE CHROMIUM
t1=$(date +%s)

npm run --silent package >/dev/null
export GOHEAP_VSIX="$PWD/go-heap-debugger.vsix"
echo "e2e: package $(stat -c %s "$GOHEAP_VSIX") bytes; install/setup took $((t1 - t0)) s"

node --import tsx test/e2e/run.ts
echo "e2e: total $(( $(date +%s) - t0 )) s"

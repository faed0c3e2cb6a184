#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one:
#   1. npm dependencies (scripts/setup.sh; again only when package-lock.json changes);
#   2. the real components the suite drives, installed once and cached outside the repository:
#      Go 1.19 (the oracle: `go tool pprof` reads our profiles, recorded traces replay),
#      Chromium and code-server (the Heap View tests and the real-VS-Code end-to-end suite);
#   3. `npm test`: typecheck, bundles, every unit/integration/DAP/Chromium suite;
#   4. the end-to-end suite in a real VS Code (scripts/e2e.sh).
# Fails if any step fails; nothing is skipped on a machine that can install what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-go.sh
bash scripts/install-code-server.sh "${GOHEAP_E2E_CACHE:-$HOME/.cache/goheap-e2e}" >/dev/null
npm test
bash scripts/e2e.sh

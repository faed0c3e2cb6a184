#!/usr/bin/env bash
# The main job: set up, then run a sample allocation script through the engine, headless.
# Extra arguments go to `goheap run` (e.g. --model go1.5, --json, --trace).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node --import tsx src/cli/main.ts run examples/01-tiny-allocator.goheap "$@"

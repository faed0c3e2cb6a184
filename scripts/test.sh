#!/usr/bin/env bash
# The whole test suite: set up, typecheck, build the bundles, run every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test

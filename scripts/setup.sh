#!/usr/bin/env bash
# Install the project's dependencies (once; again when package-lock.json changes).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.goheap-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

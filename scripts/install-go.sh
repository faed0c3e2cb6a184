#!/usr/bin/env bash
# Install the Go toolchain the benchmark compares against (Debian's golang-1.19-go), once.
# Idempotent: does nothing when /usr/lib/go-1.19/bin/go is already there. Needs root (apt-get).
# Prints the go version at the end. `npm run bench` finds it at this path even when it is not on PATH.
set -euo pipefail
GO=/usr/lib/go-1.19/bin/go
if [ ! -x "$GO" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends golang-1.19-go
fi
GOTOOLCHAIN=local "$GO" version

#!/bin/sh
# Record the allocation traces of the example Go programs for `goheap replay` and the replay tests.
#
#   examples/go/record-traces.sh [-o DIR] [NAME...]
#
# Builds each program under examples/go/NAME (all of them by default) with Go 1.19 and runs it
# with GODEBUG=allocfreetrace=1 and GOMAXPROCS=1 (one P, so the trace is one mcache's story and
# repeatable), writing its standard error — the trace — to DIR/NAME.trace (default
# test/fixtures/traces). The program's standard output goes to DIR/NAME.out. -trimpath keeps the
# build directory out of the stacks, so traces do not depend on where the repository lives.
#
# Go: $GO, else /usr/lib/go-1.19/bin/go (Debian/Ubuntu: apt-get install golang-1.19-go), else
# `go` on PATH. The replay's reference size classes are Go 1.19's; another version is warned
# about. Everything Go writes (build cache, module cache) goes to a temporary directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/test/fixtures/traces"
if [ "${1:-}" = "-o" ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [-o DIR] [NAME...]" >&2; exit 2; }
	out=$2
	shift 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -n "${GO:-}" ]; then
	go=$GO
elif [ -x /usr/lib/go-1.19/bin/go ]; then
	go=/usr/lib/go-1.19/bin/go
elif command -v go >/dev/null 2>&1; then
	go=$(command -v go)
else
	echo "record-traces: no Go toolchain (set GO=/path/to/go, or apt-get install golang-1.19-go)" >&2
	exit 1
fi
version=$("$go" env GOVERSION)
case "$version" in
go1.19*) ;;
*) echo "record-traces: warning: $version is not Go 1.19; the replay compares against Go 1.19's size classes" >&2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" GOCACHE="$tmp/cache" GOPATH="$tmp/gopath" GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on
unset GOGC GODEBUG GOMAXPROCS

if [ $# -eq 0 ]; then
	set --
	for d in "$here"/*/; do
		[ -f "$d/main.go" ] && set -- "$@" "$(basename "$d")"
	done
fi

limit=2000000
for name in "$@"; do
	[ -f "$here/$name/main.go" ] || { echo "record-traces: no program examples/go/$name/main.go" >&2; exit 1; }
	(cd "$here" && "$go" build -trimpath -o "$tmp/$name" "./$name")
	if ! GOMAXPROCS=1 GODEBUG=allocfreetrace=1 "$tmp/$name" >"$out/$name.out" 2>"$out/$name.trace"; then
		echo "record-traces: $name failed; see $out/$name.trace" >&2
		exit 1
	fi
	bytes=$(wc -c <"$out/$name.trace" | tr -d ' ')
	allocs=$(grep -c '^tracealloc(' "$out/$name.trace" || true)
	frees=$(grep -c '^tracefree(' "$out/$name.trace" || true)
	gcs=$(grep -c '^tracegc()' "$out/$name.trace" || true)
	echo "$name: $bytes bytes, $allocs allocs, $frees frees, $gcs GCs ($version) -> $out/$name.trace"
	if [ "$bytes" -gt "$limit" ]; then
		echo "record-traces: $name.trace is over $limit bytes; make the program do less work" >&2
		exit 1
	fi
done

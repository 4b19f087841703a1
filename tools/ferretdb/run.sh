#!/usr/bin/env bash
# Starts a throwaway FerretDB (MongoDB wire protocol over SQLite) on a free loopback port, for
# tests that need a real MongoDB driver round trip without a MongoDB server.
#
#   eval "$(bash tools/ferretdb/run.sh)"    # sets MONGO_URL, FERRETDB_PID, FERRETDB_DIR
#   ...                                      # run the tests
#   kill "$FERRETDB_PID"; rm -rf "$FERRETDB_DIR"
#
# stdout carries only the eval-able assignments; everything else goes to stderr or to the log
# file in the temp dir ($FERRETDB_DIR/ferretdb.log).
#
# Environment: FERRETDB_BIN (a binary to use instead of $(go env GOPATH)/bin/ferretdb),
# FERRETDB_START_TIMEOUT (seconds, default 30).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
start_timeout="${FERRETDB_START_TIMEOUT:-30}"

log() { printf 'ferretdb/run.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# `go install tool` alone yields a binary that panics at start: the module zip lacks
# build/version/version.txt, which FerretDB embeds and insists on. So build from a writable copy
# of the module (version pinned by tools/ferretdb/go.mod) with that file written in.
build_ferretdb() {
  local target="$1" module_dir module_version work
  command -v go >/dev/null 2>&1 || die "Go is needed to build FerretDB (or set FERRETDB_BIN)"
  log "building FerretDB into $target (first run only)"
  (cd "$here" && go mod download github.com/FerretDB/FerretDB) >&2
  module_dir="$(cd "$here" && go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
  module_version="$(cd "$here" && go list -m -f '{{.Version}}' github.com/FerretDB/FerretDB)"
  [ -d "$module_dir" ] || die "FerretDB module not found in the Go module cache"
  work="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-build.XXXXXX")"
  cp -R "$module_dir" "$work/src"
  chmod -R u+w "$work/src"
  printf '%s\n' "$module_version" >"$work/src/build/version/version.txt"
  mkdir -p "$(dirname "$target")"
  if ! (cd "$work/src" && GOFLAGS=-mod=mod go build -o "$target" ./cmd/ferretdb) >&2; then
    rm -rf "$work"
    die "FerretDB build failed"
  fi
  rm -rf "$work"
}

if [ -n "${FERRETDB_BIN:-}" ]; then
  bin="$FERRETDB_BIN"
else
  command -v go >/dev/null 2>&1 || die "Go is not installed and FERRETDB_BIN is not set"
  bin="$(go env GOPATH)/bin/ferretdb"
fi
# A binary that exists but cannot even print its version is the broken `go install tool` build.
if ! "$bin" --version >/dev/null 2>&1; then
  [ -z "${FERRETDB_BIN:-}" ] || die "FERRETDB_BIN=$FERRETDB_BIN does not run"
  build_ferretdb "$bin"
  "$bin" --version >/dev/null 2>&1 || die "built $bin but it does not run"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local port tries=0
  while [ "$tries" -lt 50 ]; do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
    tries=$((tries + 1))
  done
  return 1
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb.XXXXXX")"
mkdir -p "$dir/data"
logfile="$dir/ferretdb.log"

# A port that looked free can be taken before FerretDB binds it: retry a few times.
for attempt in 1 2 3 4 5; do
  port="$(pick_port)" || die "no free loopback port found"
  # stdin/stdout/stderr detached so that `eval "$(run.sh)"` does not wait for the server.
  nohup "$bin" \
    --handler=sqlite \
    --sqlite-url="file:$dir/data/" \
    --state-dir="$dir" \
    --telemetry=disable \
    --debug-addr=- \
    --log-level=WARN \
    --listen-addr="127.0.0.1:$port" \
    </dev/null >>"$logfile" 2>&1 &
  pid=$!

  waited=0
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "attempt $attempt: FerretDB exited early (see $logfile)"
      break
    fi
    if port_in_use "$port" && kill -0 "$pid" 2>/dev/null; then
      printf 'MONGO_URL=mongodb://127.0.0.1:%s/\n' "$port"
      printf 'FERRETDB_PID=%s\n' "$pid"
      printf 'FERRETDB_DIR=%s\n' "$dir"
      log "FerretDB pid $pid listening on 127.0.0.1:$port (log: $logfile)"
      exit 0
    fi
    if [ "$waited" -ge $((start_timeout * 10)) ]; then
      kill "$pid" 2>/dev/null || true
      die "FerretDB did not accept connections within ${start_timeout}s (see $logfile)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
done

die "FerretDB failed to start after 5 attempts (see $logfile)"

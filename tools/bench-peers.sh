#!/usr/bin/env bash
# The benchmark compares the event store with Emmett's SQLite store. That peer is a dependency of
# bench/ only, so the product's install never carries it; install it on the first benchmark run.
set -euo pipefail
cd "$(dirname "$0")/../bench"
if [ -d node_modules/@event-driven-io/emmett-sqlite ] && [ -d node_modules/sqlite3 ]; then
  exit 0
fi
echo "Installing the benchmark's peer (Emmett's SQLite event store, sqlite3) into bench/node_modules (once)..." >&2
if ! npm ci --no-audit --no-fund >&2; then
  echo "Could not install the benchmark's peer; the append part will report it as skipped." >&2
fi

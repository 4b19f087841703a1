#!/usr/bin/env bash
# Fuzzes the built API against its own OpenAPI document with schemathesis (every check on,
# status-code conformance included), then sends the hand-written cases a generator does not reach
# (deep nesting, hour 25, 30 February, GBK CSV, a JSON route sent text/csv ...). Prints the totals
# and exits non-zero on any failure.
#
#   npm run build && bash tools/fuzz/run.sh
#
# Passes: every operation with FUZZ_API_KEY (default dev-admin; routes of other roles answer 403,
# which the document lists), then the commands with each key of FUZZ_COMMAND_KEYS (default
# dev-sales dev-quality dev-warehouse), so that each role's commands are reached
# (schemathesis-commands.toml says which check those passes leave out, and why).
#
# Environment: FUZZ_MAX_EXAMPLES (cases per operation and phase, default 20; the command passes
# use half), FUZZ_VENV (a virtual environment to reuse; default a new one in the temp folder),
# SCHEMATHESIS_VERSION (default 4.32.5), FUZZ_SEED.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
max_examples="${FUZZ_MAX_EXAMPLES:-20}"
command_keys="${FUZZ_COMMAND_KEYS:-dev-sales dev-quality dev-warehouse}"
api_key="${FUZZ_API_KEY:-dev-admin}"
version="${SCHEMATHESIS_VERSION:-4.32.5}"

log() { printf 'fuzz: %s\n' "$*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/qms-fuzz.XXXXXX")"
api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

venv="${FUZZ_VENV:-$work/venv}"
if [ ! -x "$venv/bin/st" ]; then
  log "installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

[ -f "$root/dist/apps/api/src/main.js" ] || { log "no build found: run npm run build first"; exit 2; }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
log "starting the API on $base (data in $work)"
(cd "$root" && EVENTS_DB_PATH="$work/events.db" READ_DB_PATH="$work/read-models.db" PORT="$port" HOST=127.0.0.1 exec node dist/apps/api/src/main.js) \
  >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 60); do
  curl -fs "$base/health" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; log "the API did not start"; exit 2; }
  sleep 0.5
done

# One schemathesis pass: $1 label, $2 key, $3 config, $4 cases, then extra options.
st_cases=0
st_failures=0
schemathesis_pass() {
  local label="$1" key="$2" config="$3" examples="$4" status cases failures
  shift 4
  log "schemathesis, $label: $examples cases per operation and phase"
  set +e
  # From the temp folder: schemathesis keeps its own state in the working directory.
  (cd "$work" && "$venv/bin/st" --config-file "$config" run "$base/docs-json" \
    --max-examples "$examples" \
    --header "Authorization: Bearer $key" \
    --workers 1 \
    --seed "${FUZZ_SEED:-20261205}" \
    --generation-database none \
    --no-color \
    "$@") >"$work/schemathesis-$label.log" 2>&1
  status=$?
  set -e
  echo "== schemathesis, $label"
  # Without its pytest-style closing banner ("=== 3 warnings in 28.86s ==="): CI reads such a line
  # as a pytest run that executed no test. The summary above it holds the counts.
  sed -n '/^=* SUMMARY =*$/,$p' "$work/schemathesis-$label.log" | grep -Ev '^=+ .* in [0-9.]+s =+$' || true
  [ "$status" -eq 0 ] || sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$work/schemathesis-$label.log" | head -200
  cases="$(grep -Eo '[0-9]+ generated' "$work/schemathesis-$label.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)"
  failures="$(grep -Eo '[0-9]+ unique failures?' "$work/schemathesis-$label.log" | tail -1 | grep -Eo '^[0-9]+' || echo 0)"
  [ "$status" -eq 0 ] || [ "$failures" -gt 0 ] || failures=1
  st_cases=$((st_cases + cases))
  st_failures=$((st_failures + failures))
}

schemathesis_pass "all operations as $api_key" "$api_key" "$here/schemathesis.toml" "$max_examples"
for key in $command_keys; do
  schemathesis_pass "commands as $key" "$key" "$here/schemathesis-commands.toml" "$(( (max_examples + 1) / 2 ))" --exclude-method GET
done

set +e
"$venv/bin/python" "$here/hand_cases.py" "$base" >"$work/hand.log" 2>&1
hand_status=$?
set -e
cat "$work/hand.log"
hand_cases="$(grep -Ec '^(ok|FAIL) ' "$work/hand.log" || true)"
hand_failures="$(grep -Ec '^FAIL ' "$work/hand.log" || true)"
[ "$hand_status" -eq 0 ] || [ "$hand_failures" -gt 0 ] || hand_failures=1

if grep -q '"statusCode":500' "$work/api.log"; then log "the API logged an internal error:"; grep -m5 -B2 -A10 'error' "$work/api.log" >&2; fi

echo "fuzz totals: schemathesis $st_cases cases, $st_failures failures; hand-written $hand_cases cases, $hand_failures failures"
[ "$st_failures" -eq 0 ] && [ "$hand_failures" -eq 0 ]

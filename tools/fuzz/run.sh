#!/usr/bin/env bash
# Fuzzes the built API against its own OpenAPI document with schemathesis (every check on,
# status-code conformance included), then sends the hand-written cases a generator does not reach
# (deep nesting, hour 25, 30 February, GBK CSV, a JSON route sent text/csv ...). Prints the totals
# and exits non-zero on any failure.
#
#   npm run build && bash tools/fuzz/run.sh
#
# Environment: FUZZ_MAX_EXAMPLES (cases per operation and phase, default 25), FUZZ_VENV (a virtual
# environment to reuse; default a new one in the temp folder), FUZZ_API_KEY (default dev-admin: the
# routes of other roles answer 403, which the document lists), SCHEMATHESIS_VERSION (default 4.32.5).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
max_examples="${FUZZ_MAX_EXAMPLES:-25}"
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
(cd "$root" && EVENTS_DB_PATH="$work/events.db" PORT="$port" HOST=127.0.0.1 exec node dist/apps/api/src/main.js) \
  >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 60); do
  curl -fs "$base/health" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; log "the API did not start"; exit 2; }
  sleep 0.5
done

log "schemathesis: $max_examples cases per operation and phase"
set +e
("$venv/bin/st" --config-file "$here/schemathesis.toml" run "$base/docs-json" \
  --max-examples "$max_examples" \
  --header "Authorization: Bearer $api_key" \
  --workers 1 \
  --seed "${FUZZ_SEED:-20261205}" \
  --generation-database none \
  --no-color \
  --report junit --report-junit-path "$work/junit.xml") >"$work/schemathesis.log" 2>&1
st_status=$?
set -e
sed -n '/^=* SUMMARY =*$/,$p' "$work/schemathesis.log"
[ "$st_status" -eq 0 ] || sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$work/schemathesis.log" | head -200
st_cases="$(grep -Eo '[0-9]+ generated' "$work/schemathesis.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)"
st_failures="$(grep -Eo '[0-9]+ unique failures' "$work/schemathesis.log" | tail -1 | grep -Eo '^[0-9]+' || echo 0)"
[ "$st_status" -eq 0 ] || [ "$st_failures" -gt 0 ] || st_failures=1

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

#!/usr/bin/env bash
# Iris's memory under sustained load with its defaults (request logging + metrics on): chat at c=50
# for SOAK_SECONDS against the mock upstream, RSS sampled every SAMPLE_SECONDS, and whether it grew
# after the warm-up. Not a test; nothing here runs in CI. See bench/README.md ("Memory under load").
#
#   npm run build && bash bench/rss-soak.sh            # 5 minutes
#   SOAK_SECONDS=60 bash bench/rss-soak.sh             # quick check
set -uo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SOAK_SECONDS="${SOAK_SECONDS:-300}"
SAMPLE_SECONDS="${SAMPLE_SECONDS:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-60}"
CONNS="${CONNS:-50}"
MOCK_PORT="${MOCK_PORT:-18090}"
IRIS_PORT="${IRIS_PORT:-18092}"
HOST=127.0.0.1

[[ -f "$ROOT/dist/cli.js" ]] || { echo "run npm run build first" >&2; exit 1; }
TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/iris-soak.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP_DIR"
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
rss_kb() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }

taskset -c 0 node "$BENCH_DIR/mock-upstream.mjs" "$MOCK_PORT" >"$TMP_DIR/mock.log" 2>&1 &
PIDS+=($!)
wait_port "$MOCK_PORT" || { echo "mock upstream did not start" >&2; exit 1; }
mkdir -p "$TMP_DIR/app"
cat >"$TMP_DIR/app/config.json" <<JSON
{"providers":{"openai":{"keys":[{"name":"bench","value":"sk-bench","models":["*"]}],"network_config":{"base_url":"http://$HOST:$MOCK_PORT"},"concurrency_and_buffer_size":{"concurrency":1000,"buffer_size":5000}}}}
JSON
taskset -c 1 node "$ROOT/dist/cli.js" --app-dir "$TMP_DIR/app" --port "$IRIS_PORT" --host "$HOST" --log-level warn >"$TMP_DIR/iris.log" 2>&1 &
IRIS=$!
PIDS+=("$IRIS")
wait_port "$IRIS_PORT" || { echo "Iris did not start: $(cat "$TMP_DIR/iris.log")" >&2; exit 1; }

taskset -c 0 wrk -t1 -c"$CONNS" -d"${SOAK_SECONDS}s" -s "$BENCH_DIR/chat.lua" "http://$HOST:$IRIS_PORT" >"$TMP_DIR/wrk.txt" 2>&1 &
WRK=$!
PIDS+=("$WRK")
echo "| elapsed s | RSS MB | peak RSS MB | log rows |"
echo "|---:|---:|---:|---:|"
samples=()
for ((t = SAMPLE_SECONDS; t <= SOAK_SECONDS; t += SAMPLE_SECONDS)); do
  sleep "$SAMPLE_SECONDS"
  rss="$(rss_kb "$IRIS" VmRSS)"; peak="$(rss_kb "$IRIS" VmHWM)"
  rows="$(curl -s -m 5 "http://$HOST:$IRIS_PORT/api/logs/stats" | sed -n 's/.*"total_requests":\([0-9]*\).*/\1/p')"
  samples+=("$t $rss")
  awk -v t="$t" -v r="$rss" -v p="$peak" -v n="${rows:-?}" 'BEGIN { printf "| %d | %.1f | %.1f | %s |\n", t, r / 1024, p / 1024, n }'
done
wait "$WRK"
echo
grep -E "Requests/sec| requests in" "$TMP_DIR/wrk.txt"
dropped="$(curl -s -m 5 "http://$HOST:$IRIS_PORT/api/logs/dropped")"
echo "log rows dropped: $dropped"
# Growth after warm-up: the RSS at the last sample minus the lowest sample after WARMUP_SECONDS.
printf '%s\n' "${samples[@]}" | awk -v w="$WARMUP_SECONDS" '
  $1 >= w { if (min == "" || $2 < min) min = $2; last = $2; if (max == "" || $2 > max) max = $2 }
  END { if (min != "") printf "after %d s of warm-up: RSS between %.1f and %.1f MB, last %.1f MB (%+.1f MB over the lowest)\n", w, min / 1024, max / 1024, last / 1024, (last - min) / 1024 }'

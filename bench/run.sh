#!/usr/bin/env bash
# Iris benchmark: mock upstream direct vs bare node:http+undici proxy (the floor) vs Iris.
# Not a test; nothing here runs in CI. See bench/README.md.
#
#   bash bench/run.sh                 # or: npm run bench
#   DURATION=3 bash bench/run.sh      # quick check
#
# Env knobs (defaults in brackets):
#   DURATION [10]  seconds per measured scenario      WARMUP [3]   seconds per warm-up run
#   CONNS [50]     connections for the c=50 scenarios
#   ROUNDS [1]     measure every target this many times, interleaved (proxy, Iris, proxy, Iris…);
#                  each cell keeps its best round. On a shared VM whose speed drifts by tens of
#                  percent, ROUNDS=3 gives ratios that repeat; a single round may not.
#   TARGETS ["mock proxy iris iris-split iris-off"]; iris-split moves Iris's log writer thread to
#     LOAD_CPU; iris-vk adds governance with a virtual key on every request; also "proxy-request" (the bare proxy using pool.request +
#     pipeline instead of pool.stream)                 SCENARIOS ["chat-c1 chat-c50 stream-c50"]
#   MOCK_PORT [18080] PROXY_PORT [18081] IRIS_PORT [18082]
#   LOAD_CPU [0]   core for wrk + mock                 SERVER_CPU [1] core for bare proxy / Iris
#   IRIS_READY_TIMEOUT [20] seconds to wait for Iris to listen
#   QUIET_MAX [15] / QUIET_WINDOW [3] / QUIET_TIMEOUT [120]: before each measured run, wait up
#     to QUIET_TIMEOUT s for the machine to be idle (other processes using < QUIET_MAX % of one
#     core in each of QUIET_WINDOW consecutive seconds).
#     The CPU used by anything other than wrk/mock/server during each run is reported as
#     "other CPU"; more than QUIET_MAX % there means the numbers are contaminated, and the
#     scenario is measured again, up to RETRIES [2] more times (the cleanest attempt is kept).
set -uo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="$BENCH_DIR/results"
RAW_DIR="$RESULTS_DIR/raw"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNS="${CONNS:-50}"
ROUNDS="${ROUNDS:-1}"
ROUND=1
TARGETS="${TARGETS:-mock proxy iris iris-split iris-off}"
SCENARIOS="${SCENARIOS:-chat-c1 chat-c50 stream-c50}"
MOCK_PORT="${MOCK_PORT:-18080}"
PROXY_PORT="${PROXY_PORT:-18081}"
IRIS_PORT="${IRIS_PORT:-18082}"
LOAD_CPU="${LOAD_CPU:-0}"
SERVER_CPU="${SERVER_CPU:-1}"
IRIS_READY_TIMEOUT="${IRIS_READY_TIMEOUT:-20}"
QUIET_MAX="${QUIET_MAX:-15}"
QUIET_TIMEOUT="${QUIET_TIMEOUT:-120}"
RETRIES="${RETRIES:-2}"
QUIET_WINDOW="${QUIET_WINDOW:-3}"
HZ="$(getconf CLK_TCK)"
HOST=127.0.0.1

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for bin in node wrk taskset curl awk; do
  command -v "$bin" >/dev/null 2>&1 || die "'$bin' not found (wrk: apt-get install -y wrk; taskset: util-linux)"
done
ncpu="$(nproc)"
if (( LOAD_CPU >= ncpu || SERVER_CPU >= ncpu )); then
  die "need cores $LOAD_CPU and $SERVER_CPU, machine has $ncpu"
fi

mkdir -p "$RAW_DIR"
rm -f "$RAW_DIR"/*.txt "$RAW_DIR"/*.log
TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/iris-bench.XXXXXX")"

# ---------------------------------------------------------------- process management
PIDS=()    # servers still running (removed again once stopped, so a recycled pid is never hit)
WRK_PID="" # the wrk run in progress, if any
cleanup() {
  local pid
  if [[ -n "$WRK_PID" ]]; then  # /usr/bin/time, and wrk under it
    pkill -TERM -P "$WRK_PID" 2>/dev/null
    kill "$WRK_PID" 2>/dev/null
  fi
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_bg <cpu> <logfile> <cmd...>; sets STARTED_PID (taskset execs, so it is the server's pid)
start_bg() {
  local cpu="$1" logfile="$2"; shift 2
  taskset -c "$cpu" "$@" >"$logfile" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

stop_pid() {
  local pid="$1" p keep=()
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ "$p" != "$pid" ]] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# wait_port <port> <pid> <timeout-s>: 0 when something accepts on the port, 1 if the pid died / timeout
wait_port() {
  local port="$1" pid="$2" timeout="$3" i
  for i in $(seq 1 $((timeout * 10))); do
    kill -0 "$pid" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo ""; }

CHAT_BODY='{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'
STREAM_BODY='{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"stream":true}'

# check_target <name> <port>: one non-streaming and one streaming request; returns 1 if the
# non-streaming one is not a 200 chat.completion. Streaming problems are warnings.
check_target() {
  local name="$1" port="$2" out code ok=0
  out="$(curl -sS -m 10 -o "$TMP_DIR/check-$name.json" -w '%{http_code}' -X POST \
    -H 'content-type: application/json' --data "$CHAT_BODY" "http://$HOST:$port/v1/chat/completions" 2>&1)"
  code="$out"
  if [[ "$code" != "200" ]] || ! grep -q '"chat.completion"' "$TMP_DIR/check-$name.json" 2>/dev/null; then
    log "$name: POST /v1/chat/completions -> HTTP $code, body: $(head -c 400 "$TMP_DIR/check-$name.json" 2>/dev/null)"
    ok=1
  fi
  code="$(curl -sS -N -m 10 -o "$TMP_DIR/check-$name.sse" -w '%{http_code}' -X POST \
    -H 'content-type: application/json' --data "$STREAM_BODY" "http://$HOST:$port/v1/chat/completions" 2>&1)"
  local chunks
  chunks="$(grep -c '"chat.completion.chunk"' "$TMP_DIR/check-$name.sse" 2>/dev/null || true)"
  if [[ "$code" != "200" ]] || ! grep -q '^data: \[DONE\]' "$TMP_DIR/check-$name.sse" 2>/dev/null; then
    log "$name: warning: streaming request -> HTTP $code, $chunks chunk(s), [DONE] $(grep -q '^data: \[DONE\]' "$TMP_DIR/check-$name.sse" 2>/dev/null && echo present || echo missing); first bytes: $(head -c 300 "$TMP_DIR/check-$name.sse" 2>/dev/null)"
  elif [[ "$chunks" != "20" ]]; then
    log "$name: warning: streaming request returned $chunks chunk(s), expected 20"
  fi
  return $ok
}

# ---------------------------------------------------------------- wrk + parsing
# parse_wrk <file> -> "rps p50_ms p99_ms requests non2xx sockerrs"
parse_wrk() {
  awk '
    function ms(v,   n, u) {
      n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n / 1000; if (u == "ms") return n + 0
      if (u == "s") return n * 1000;  if (u == "m") return n * 60000
      return n + 0
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { reqs = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(",", ""); sockerr = $4 + $6 + $8 + $10 }
    END {
      printf "%s %s %s %s %d %d\n", (rps == "" ? "NA" : rps), (p50 == "" ? "NA" : p50), \
        (p99 == "" ? "NA" : p99), (reqs == "" ? 0 : reqs), non2xx, sockerr
    }' "$1"
}

scenario_args() { # -> "<script> <connections>"
  case "$1" in
    chat-c1) echo "chat.lua 1" ;;
    chat-c50) echo "chat.lua $CONNS" ;;
    stream-c50) echo "stream.lua $CONNS" ;;
    *) die "unknown scenario $1" ;;
  esac
}

scenario_label() {
  case "$1" in
    chat-c1) echo "chat c=1" ;;
    chat-c50) echo "chat c=$CONNS" ;;
    stream-c50) echo "stream c=$CONNS" ;;
  esac
}

# ---------------------------------------------------------------- CPU accounting
# Machine-wide busy jiffies (user nice system irq softirq steal), all cores.
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# utime + stime of one pid, in jiffies (0 if gone).
pid_cpu() { [[ -r /proc/$1/stat ]] && sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' || echo 0; }
now() { date +%s.%N; }

# wait_quiet: wait until the machine is idle (our servers are idle between runs, so all CPU
# seen here belongs to someone else: a compiler, a test run...).
# Quiet = QUIET_WINDOW consecutive seconds under QUIET_MAX % of a core.
wait_quiet() {
  local waited=0 quiet=0 b0 b1 pct
  while :; do
    b0="$(cpu_busy)"; sleep 1; b1="$(cpu_busy)"
    pct=$(( (b1 - b0) * 100 / HZ ))
    if (( pct < QUIET_MAX )); then
      quiet=$((quiet + 1))
      if (( quiet >= QUIET_WINDOW )); then
        (( waited > 0 )) && log "machine quiet again after ${waited}s"
        return 0
      fi
      continue
    fi
    quiet=0
    (( waited == 0 )) && log "machine busy (${pct}% of a core used by other processes); waiting up to ${QUIET_TIMEOUT}s"
    waited=$((waited + 1))
    if (( waited >= QUIET_TIMEOUT )); then
      log "warning: machine still busy (${pct}% of a core) after ${QUIET_TIMEOUT}s; measuring anyway"
      return 0
    fi
  done
}

# run_wrk <port> <script> <conns> <duration> <outfile> [server-pid]
# Sets WRK_SERVER_CPU, WRK_CORE0_CPU (wrk + mock), WRK_OTHER_CPU, in % of one core.
run_wrk() {
  local port="$1" script="$2" conns="$3" dur="$4" out="$5" spid="${6:-}"
  local b0 b1 s0 s1 m0 m1 t0 t1 wrk_cpu elapsed
  b0="$(cpu_busy)"; m0="$(pid_cpu "$MOCK_PID")"; s0=0; [[ -n "$spid" ]] && s0="$(pid_cpu "$spid")"; t0="$(now)"
  # In the background + wait, so that a signal to this script is handled at once.
  taskset -c "$LOAD_CPU" /usr/bin/time -f '%U %S' -o "$out.time" \
    wrk -t1 -c"$conns" -d"${dur}s" --latency -s "$BENCH_DIR/$script" \
    "http://$HOST:$port/v1/chat/completions" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID"
  WRK_PID=""
  t1="$(now)"; b1="$(cpu_busy)"; m1="$(pid_cpu "$MOCK_PID")"; s1=0; [[ -n "$spid" ]] && s1="$(pid_cpu "$spid")"
  wrk_cpu="$(awk -v hz="$HZ" '{ printf "%d", ($1 + $2) * hz }' "$out.time" 2>/dev/null || echo 0)"
  rm -f "$out.time"
  [[ "$spid" == "$MOCK_PID" ]] && { s0=0; s1=0; }  # the mock is the server: count it once
  read -r WRK_SERVER_CPU WRK_CORE0_CPU WRK_OTHER_CPU <<<"$(awk -v b="$((b1 - b0))" -v s="$((s1 - s0))" \
    -v m="$((m1 - m0))" -v w="$wrk_cpu" -v t0="$t0" -v t1="$t1" -v hz="$HZ" -v mockserver="$([[ "$spid" == "$MOCK_PID" ]] && echo 1 || echo 0)" '
    BEGIN {
      el = (t1 - t0) * hz; if (el <= 0) el = 1
      other = b - s - m - w; if (other < 0) other = 0
      server = mockserver ? m : s
      printf "%.0f %.0f %.0f\n", server * 100 / el, (m + w) * 100 / el, other * 100 / el
    }')"
}

declare -A RES_RPS RES_P50 RES_P99 RES_ERR RES_RSS RES_SCPU RES_C0CPU RES_OCPU TARGET_STATUS

bench_target() { # bench_target <name> <port> <pid>
  local name="$1" port="$2" pid="$3" sc script conns f parsed
  log "$name: warm-up (${WARMUP}s chat c=$CONNS, ${WARMUP}s stream c=$CONNS)"
  run_wrk "$port" chat.lua "$CONNS" "$WARMUP" "$RAW_DIR/$name-warmup-chat.txt" "$pid"
  run_wrk "$port" stream.lua "$CONNS" "$WARMUP" "$RAW_DIR/$name-warmup-stream.txt" "$pid"
  for sc in $SCENARIOS; do
    read -r script conns <<<"$(scenario_args "$sc")"
    f="$RAW_DIR/$name-$sc-r$ROUND.txt"
    # Measure; if something else on the machine used > QUIET_MAX % of a core meanwhile,
    # measure again (up to RETRIES times) and keep the least contaminated attempt.
    local attempt best_other=999999 best_scpu best_c0
    for ((attempt = 0; attempt <= RETRIES; attempt++)); do
      wait_quiet
      log "$name: $(scenario_label "$sc") for ${DURATION}s$( ((attempt > 0)) && echo " (retry $attempt)")"
      run_wrk "$port" "$script" "$conns" "$DURATION" "$f.try" "$pid"
      if (( WRK_OTHER_CPU < best_other )); then
        mv -f "$f.try" "$f"; best_other=$WRK_OTHER_CPU; best_scpu=$WRK_SERVER_CPU; best_c0=$WRK_CORE0_CPU
      else
        rm -f "$f.try"
      fi
      (( best_other <= QUIET_MAX )) && break
      kill -0 "$pid" 2>/dev/null || break
      log "$name: other processes used ${WRK_OTHER_CPU}% of a core during this run$( ((attempt < RETRIES)) && echo "; measuring again")"
    done
    WRK_OTHER_CPU=$best_other
    parsed="$(parse_wrk "$f")"
    read -r rps p50 p99 reqs non2xx sockerr <<<"$parsed"
    local err=""
    (( non2xx > 0 )) && err+="${non2xx} non-2xx"
    (( sockerr > 0 )) && err+="${err:+, }$(grep 'Socket errors' "$f" | sed 's/^ *//')"
    [[ "$rps" == "NA" ]] && err+="${err:+, }wrk failed: $(tail -n 2 "$f" | tr '\n' ' ')"
    # Keep this round's numbers when they are the first, or the best so far, for this cell.
    if [[ -z "${RES_RPS[$name,$sc]:-}" || "${RES_RPS[$name,$sc]}" == "NA" ]] || { [[ "$rps" != "NA" ]] && awk -v a="$rps" -v b="${RES_RPS[$name,$sc]}" 'BEGIN { exit !(a > b) }'; }; then
      RES_RPS[$name,$sc]="$rps"; RES_P50[$name,$sc]="$p50"; RES_P99[$name,$sc]="$p99"; RES_ERR[$name,$sc]="${err:-0}"
      RES_SCPU[$name,$sc]="$best_scpu"; RES_C0CPU[$name,$sc]="$best_c0"; RES_OCPU[$name,$sc]="$best_other"
    fi
    (( WRK_OTHER_CPU > QUIET_MAX )) && log "$name: warning: other processes used ${WRK_OTHER_CPU}% of a core during this run"
    log "$name: round $ROUND/$ROUNDS, $(scenario_label "$sc"): ${rps} req/s, p50 ${p50} ms, p99 ${p99} ms, errors: ${err:-none}; CPU % of a core: server ${WRK_SERVER_CPU}, wrk+mock ${WRK_CORE0_CPU}, other ${WRK_OTHER_CPU}"
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name: server process died during $(scenario_label "$sc"); see $RAW_DIR/$name.log"
      TARGET_STATUS[$name]="died during $(scenario_label "$sc")"
      return 1
    fi
  done
  local rss; rss="$(peak_rss_kb "$pid")"
  # The worst (highest) peak over the rounds.
  if [[ -n "$rss" ]] && (( rss > ${RES_RSS[$name]:-0} )); then RES_RSS[$name]="$rss"; fi
  TARGET_STATUS[$name]="ok"
}

# pin_thread <pid> <thread name> <cpu>: moves one named thread of a running process to another core
pin_thread() {
  local task
  for task in /proc/"$1"/task/*; do
    [[ "$(cat "$task/comm" 2>/dev/null)" == "$2" ]] || continue
    taskset -p -c "$3" "${task##*/}" >/dev/null && return 0
  done
  return 1
}

# bench_iris <target> <extra top-level config members, each ending with a comma> [core for the log writer thread]
bench_iris() {
  local target=$1 features=$2 writer_cpu=${3:-} app_dir pid
  if [[ ! -f "$ROOT/dist/cli.js" ]]; then
    TARGET_STATUS[$target]="skipped: dist/cli.js not found (run npm run build first)"
    log "$target: ${TARGET_STATUS[$target]}"; return
  fi
  app_dir="$TMP_DIR/$target-app"; mkdir -p "$app_dir"
  cat >"$app_dir/config.json" <<JSON
{${features}"providers":{"openai":{"keys":[{"name":"bench","value":"sk-bench","models":["*"],"weight":1}],"network_config":{"base_url":"http://$HOST:$MOCK_PORT"},"concurrency_and_buffer_size":{"concurrency":1000,"buffer_size":5000}}}}
JSON
  start_bg "$SERVER_CPU" "$RAW_DIR/$target.log" node "$ROOT/dist/cli.js" --app-dir "$app_dir" \
    --port "$IRIS_PORT" --host "$HOST" --log-level warn
  pid=$STARTED_PID
  if ! wait_port "$IRIS_PORT" "$pid" "$IRIS_READY_TIMEOUT"; then
    TARGET_STATUS[$target]="skipped: did not listen on $IRIS_PORT within ${IRIS_READY_TIMEOUT}s: $(tail -n 5 "$RAW_DIR/$target.log" | tr '\n' ' ')"
    log "$target: ${TARGET_STATUS[$target]}"; stop_pid "$pid"; return
  fi
  if ! check_target "$target" "$IRIS_PORT"; then
    TARGET_STATUS[$target]="skipped: did not answer a 200 chat completion (see $RAW_DIR/$target.log)"
    log "$target: ${TARGET_STATUS[$target]}"; stop_pid "$pid"; return
  fi
  if [[ -n "$writer_cpu" ]] && ! pin_thread "$pid" iris-log-writer "$writer_cpu"; then
    TARGET_STATUS[$target]="skipped: no thread named iris-log-writer to move to core $writer_cpu"
    log "$target: ${TARGET_STATUS[$target]}"; stop_pid "$pid"; return
  fi
  bench_target "$target" "$IRIS_PORT" "$pid"
  stop_pid "$pid"
}

# ---------------------------------------------------------------- run
for p in "$MOCK_PORT" "$PROXY_PORT" "$IRIS_PORT"; do
  port_free "$p" || die "port $p on $HOST is already in use (set MOCK_PORT/PROXY_PORT/IRIS_PORT)"
done

log "node $(node --version), wrk on core $LOAD_CPU with the mock, servers under test on core $SERVER_CPU"
log "DURATION=${DURATION}s WARMUP=${WARMUP}s CONNS=$CONNS TARGETS='$TARGETS'"

start_bg "$LOAD_CPU" "$RAW_DIR/mock.log" node "$BENCH_DIR/mock-upstream.mjs" "$MOCK_PORT"
MOCK_PID=$STARTED_PID
wait_port "$MOCK_PORT" "$MOCK_PID" 10 || die "mock upstream did not start: $(cat "$RAW_DIR/mock.log")"
check_target mock "$MOCK_PORT" || die "mock upstream answered wrongly"

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
(( ROUNDS > 1 )) && log "round $ROUND of $ROUNDS"
for target in $TARGETS; do
  case "$target" in
    mock)
      bench_target mock "$MOCK_PORT" "$MOCK_PID"
      ;;
    proxy | proxy-request)
      api=stream; [[ "$target" == proxy-request ]] && api=request
      start_bg "$SERVER_CPU" "$RAW_DIR/$target.log" env BARE_PROXY_API="$api" \
        node "$BENCH_DIR/bare-proxy.mjs" "$PROXY_PORT" "http://$HOST:$MOCK_PORT"
      pid=$STARTED_PID
      if ! wait_port "$PROXY_PORT" "$pid" 10; then
        TARGET_STATUS[$target]="did not start: $(tail -n 5 "$RAW_DIR/$target.log" | tr '\n' ' ')"
        log "$target: ${TARGET_STATUS[$target]}"; continue
      fi
      if ! check_target "$target" "$PROXY_PORT"; then
        TARGET_STATUS[$target]="answered wrongly (see log above)"; stop_pid "$pid"; continue
      fi
      bench_target "$target" "$PROXY_PORT" "$pid"
      stop_pid "$pid"
      ;;
    iris-vk)
      # The defaults plus governance: a virtual key with a rate limit and a budget (neither reached) on every request.
      features='"governance":{"virtual_keys":[{"id":"vk-bench","name":"bench","value":"sk-bf-bench","rate_limit_id":"rl","budgets":[{"max_limit":1000000,"reset_duration":"1d"}],"provider_configs":[{"provider":"openai","allowed_models":["*"],"key_ids":["*"]}]}],"rate_limits":[{"id":"rl","request_max_limit":1000000000,"request_reset_duration":"1h","token_max_limit":1000000000000,"token_reset_duration":"1h"}]},'
      IRIS_BENCH_VK=sk-bf-bench bench_iris "$target" "$features"
      ;;
    iris | iris-off | iris-split)
      # iris: the defaults (request logging and metrics on), every thread on the server's core;
      # iris-split: the same, with the request log's writer thread moved to the load generator's core,
      # as it would run on any other free core of a real host; iris-off: both features off, for their cost.
      features=''
      [[ "$target" == iris-off ]] && features='"client":{"enable_logging":false},"plugins":[{"name":"telemetry","enabled":false}],'
      writer_cpu=''
      [[ "$target" == iris-split ]] && writer_cpu="$LOAD_CPU"
      bench_iris "$target" "$features" "$writer_cpu"
      ;;
    *) die "unknown target '$target' (mock, proxy, proxy-request, iris, iris-split, iris-off)" ;;
  esac
done
done
MOCK_RSS="$(peak_rss_kb "$MOCK_PID")"
[[ -n "${TARGET_STATUS[mock]:-}" ]] && RES_RSS[mock]="$MOCK_RSS"

# ---------------------------------------------------------------- report
fmt_lat() { # ms -> "123 µs" | "1.23 ms"
  [[ "$1" == "NA" || -z "$1" ]] && { echo "n/a"; return; }
  awk -v v="$1" 'BEGIN { if (v < 1) printf "%.0f µs", v * 1000; else if (v < 100) printf "%.2f ms", v; else printf "%.0f ms", v }'
}
fmt_rps() { [[ "$1" == "NA" || -z "$1" ]] && echo "n/a" || awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
fmt_mb() { [[ -z "$1" ]] && echo "n/a" || awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1024 }'; }
have() { [[ -n "${RES_RPS[$1,$2]:-}" && "${RES_RPS[$1,$2]}" != "NA" ]]; }
target_label() {
  case "$1" in
    mock) echo "mock (direct)" ;;
    proxy) echo "bare proxy (node:http + undici pool.stream)" ;;
    proxy-request) echo "bare proxy, pool.request + pipeline" ;;
    iris) echo "Iris (defaults: logging + metrics on)" ;;
    iris-off) echo "Iris, logging + metrics off" ;;
    iris-split) echo "Iris (defaults), log writer thread on core $LOAD_CPU" ;;
    iris-vk) echo "Iris (defaults) + governance, a virtual key on every request" ;;
  esac
}

REPORT="$TMP_DIR/report.md"
{
  echo "# Iris benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%SZ'), git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo n/a)"
  echo "- node $(node --version), $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}'), $(nproc) cores: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "- wrk -t1 + mock upstream pinned to core $LOAD_CPU; bare proxy / Iris pinned to core $SERVER_CPU"
  echo "- ${ROUNDS} round(s), targets interleaved, best round per cell; ${DURATION}s per scenario after ${WARMUP}s+${WARMUP}s warm-up; chat = ~1.2 KB chat.completion, stream = 20 SSE chunks + [DONE]"
  echo
  echo "| target | scenario | req/s | p50 | p99 | errors | server CPU | wrk+mock CPU | other CPU |"
  echo "|---|---|---:|---:|---:|---|---:|---:|---:|"
  for t in $TARGETS; do
    if [[ "${TARGET_STATUS[$t]:-}" != "ok" && -z "${RES_RPS[$t,chat-c1]:-}${RES_RPS[$t,chat-c50]:-}" ]]; then
      echo "| $(target_label "$t") | — | — | — | — | ${TARGET_STATUS[$t]:-not run} | | | |"
      continue
    fi
    for sc in $SCENARIOS; do
      [[ -z "${RES_RPS[$t,$sc]:-}" ]] && continue
      echo "| $(target_label "$t") | $(scenario_label "$sc") | $(fmt_rps "${RES_RPS[$t,$sc]}") | $(fmt_lat "${RES_P50[$t,$sc]}") | $(fmt_lat "${RES_P99[$t,$sc]}") | ${RES_ERR[$t,$sc]} | ${RES_SCPU[$t,$sc]}% | ${RES_C0CPU[$t,$sc]}% | ${RES_OCPU[$t,$sc]}% |"
    done
  done
  echo
  echo "CPU columns are % of one core over the run: server = the target process (core $SERVER_CPU; the mock itself for \"mock (direct)\"), wrk+mock = core $LOAD_CPU's load generator and upstream, other = everything else on the machine (should be ~0; if not, the run was contaminated)."
  echo
  echo "| target | peak RSS (VmHWM) |"
  echo "|---|---:|"
  for t in $TARGETS; do
    [[ -n "${RES_RSS[$t]:-}" ]] && echo "| $(target_label "$t") | $(fmt_mb "${RES_RSS[$t]}") |"
  done
  echo
  echo "## Summary"
  echo
  for t in $TARGETS; do for sc in $SCENARIOS; do
    if [[ -n "${RES_OCPU[$t,$sc]:-}" ]] && (( RES_OCPU[$t,$sc] > QUIET_MAX )); then
      echo "- WARNING: $(target_label "$t") / $(scenario_label "$sc"): other processes used ${RES_OCPU[$t,$sc]}% of a core during the run; treat it as contaminated and re-run on a quiet machine"
    fi
  done; done
  for sc in chat-c50 stream-c50; do
    if have proxy "$sc" && have mock "$sc"; then
      echo "- bare proxy / mock req/s, $(scenario_label "$sc"): $(awk -v a="${RES_RPS[proxy,$sc]}" -v b="${RES_RPS[mock,$sc]}" 'BEGIN { printf "%.2f", a / b }')"
    fi
  done
  if have proxy chat-c1 && have mock chat-c1; then
    echo "- bare proxy added p50, chat c=1: $(awk -v a="${RES_P50[proxy,chat-c1]}" -v b="${RES_P50[mock,chat-c1]}" 'BEGIN { printf "%+.0f µs", (a - b) * 1000 }')"
  fi
  if [[ "${TARGET_STATUS[iris]:-}" == "ok" ]]; then
    for sc in chat-c50 stream-c50; do
      if have iris "$sc" && have proxy "$sc"; then
        echo "- **Iris / bare proxy req/s, $(scenario_label "$sc"): $(awk -v a="${RES_RPS[iris,$sc]}" -v b="${RES_RPS[proxy,$sc]}" 'BEGIN { printf "%.2f", a / b }')**"
      fi
    done
    if have iris chat-c1; then
      have proxy chat-c1 && echo "- **Iris added p50 vs bare proxy, chat c=1: $(awk -v a="${RES_P50[iris,chat-c1]}" -v b="${RES_P50[proxy,chat-c1]}" 'BEGIN { printf "%+.0f µs", (a - b) * 1000 }')**"
      have mock chat-c1 && echo "- Iris added p50 vs mock direct, chat c=1: $(awk -v a="${RES_P50[iris,chat-c1]}" -v b="${RES_P50[mock,chat-c1]}" 'BEGIN { printf "%+.0f µs", (a - b) * 1000 }')"
    fi
    echo "- **Iris peak RSS: $(fmt_mb "${RES_RSS[iris]:-}")**$( [[ -n "${RES_RSS[proxy]:-}" ]] && echo " (bare proxy: $(fmt_mb "${RES_RSS[proxy]}"))")"
    for sc in chat-c50 stream-c50; do
      if have iris-off "$sc" && have proxy "$sc"; then
        echo "- Iris with logging + metrics off / bare proxy req/s, $(scenario_label "$sc"): $(awk -v a="${RES_RPS[iris-off,$sc]}" -v b="${RES_RPS[proxy,$sc]}" 'BEGIN { printf "%.2f", a / b }')"
      fi
    done
    for sc in chat-c50 stream-c50; do
      if have iris-split "$sc" && have proxy "$sc"; then
        echo "- Iris (defaults) with the log writer thread on core $LOAD_CPU / bare proxy req/s, $(scenario_label "$sc"): $(awk -v a="${RES_RPS[iris-split,$sc]}" -v b="${RES_RPS[proxy,$sc]}" 'BEGIN { printf "%.2f", a / b }')"
      fi
    done
    for sc in chat-c50 stream-c50; do
      if have iris-vk "$sc" && have proxy "$sc"; then
        echo "- Iris + governance (virtual key on every request) / bare proxy req/s, $(scenario_label "$sc"): $(awk -v a="${RES_RPS[iris-vk,$sc]}" -v b="${RES_RPS[proxy,$sc]}" 'BEGIN { printf "%.2f", a / b }')"
      fi
    done
    if have iris-vk chat-c1 && have proxy chat-c1; then
      echo "- Iris + governance, added p50 vs bare proxy, chat c=1: $(awk -v a="${RES_P50[iris-vk,chat-c1]}" -v b="${RES_P50[proxy,chat-c1]}" 'BEGIN { printf "%+.0f µs", (a - b) * 1000 }')"
    fi
    if have iris-off chat-c1 && have proxy chat-c1; then
      echo "- Iris with logging + metrics off, added p50 vs bare proxy, chat c=1: $(awk -v a="${RES_P50[iris-off,chat-c1]}" -v b="${RES_P50[proxy,chat-c1]}" 'BEGIN { printf "%+.0f µs", (a - b) * 1000 }')"
    fi
  else
    echo "- Iris: ${TARGET_STATUS[iris]:-not in TARGETS}"
  fi
  echo
  echo "Raw wrk output and server logs: bench/results/raw/"
} >"$REPORT"

cp "$REPORT" "$RESULTS_DIR/latest.md"
echo
cat "$REPORT"
echo
log "written to $RESULTS_DIR/latest.md"

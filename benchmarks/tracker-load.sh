#!/usr/bin/env bash
# The tracker's load benchmark (numbers go to BENCHMARKS.md):
#  1. clicks: wrk against the stand-alone tracker (scripts/tracker.sh) following 10,000 distinct click URLs of
#     1,000 messages, beside a bare Jetty 12 ee10 servlet answering a fixed 302 on the same thread pool, in
#     the same run with the same wrk settings; then checks that every click's event reached Cassandra;
#  2. fixed-rate latency: h2load --rps at half the bare endpoint's measured rate, against the bare endpoint and
#     the tracker, p50/p99 from h2load's per-request log;
#  3. events: the event pipeline (event log + Cassandra writer) sustained write rate into Cassandra beside the
#     simplest single-row insert with the same number of writes in flight.
#
#   benchmarks/tracker-load.sh            (needs wrk and h2load, installed with apt-get when missing; and a
#                                          Cassandra, see below)
#
# Settings (environment): BENCH_CASSANDRA (host:port, default 127.0.0.1:9042), BENCH_DURATION (wrk run, default
# 10s), BENCH_ROUNDS (2), BENCH_THREADS (2), BENCH_CONNECTIONS (64), BENCH_PIPELINE_SECONDS (10),
# BENCH_IN_FLIGHT (256), BENCH_WARMUP (at least 60s of clicks before measuring), BENCH_WARMUP_MAX (300s: the
# clicks' warm-up goes on until the JIT is done compiling, or this long), BENCH_TRACKER_PORT (18090), BENCH_BARE_PORT (18091), BENCH_FIXED_CLIENTS (32).
# Uses the keyspace $BENCH_KEYSPACE (default tracker_bench); work files go to
# .smtpapi/bench-tracker/. Everything it starts is stopped at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.smtpapi/bench-tracker"
CASSANDRA="${BENCH_CASSANDRA:-127.0.0.1:9042}"
DURATION="${BENCH_DURATION:-10s}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PIPELINE_SECONDS="${BENCH_PIPELINE_SECONDS:-10}"
IN_FLIGHT="${BENCH_IN_FLIGHT:-256}"
ROUNDS="${BENCH_ROUNDS:-2}"
WARMUP="${BENCH_WARMUP:-60s}"
WARMUP_MAX="${BENCH_WARMUP_MAX:-300s}"
KEYSPACE="${BENCH_KEYSPACE:-tracker_bench}"
TRACKER_PORT="${BENCH_TRACKER_PORT:-18090}"
BARE_PORT="${BENCH_BARE_PORT:-18091}"
FIXED_CLIENTS="${BENCH_FIXED_CLIENTS:-32}"
# shellcheck source=lib/tracker-bench.sh
source "$ROOT/benchmarks/lib/tracker-bench.sh"
say() { echo "[bench] $*"; }
bench_tools
bench_build "$WORK"
bench_keys "$WORK/keys"

BARE_PID=""
cleanup() {
  bench_tracker_stop "$WORK/tracker"
  [[ -n "$BARE_PID" ]] && kill "$BARE_PID" 2>/dev/null || true
}
trap cleanup EXIT

say "starting the tracker on :$TRACKER_PORT (Cassandra $CASSANDRA, keyspace $KEYSPACE)"
bench_tracker_start "$WORK/tracker" "$TRACKER_PORT" "$KEYSPACE" "$WORK/keys" "$CASSANDRA"
say "writing 1,000 messages x 10 links of tag storage"
bench_paths "$CASSANDRA" "$KEYSPACE" "$WORK/keys" "$WORK/paths.txt" "$WORK/paths.lua"
"$JAVA" -Xmx256m -cp "$CP" dev.smtpapi.tracker.bench.BareRedirectServer $BARE_PORT > "$WORK/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/f/a/x" && break; sleep 0.5; done

metric() { bench_metric "$TRACKER_PORT" "$1"; }
wait_stored() { bench_wait_stored "$TRACKER_PORT"; }  # no earlier events are written during a round

run_wrk() {  # run_wrk LABEL URL SCRIPT [HEADER]: prints wrk's report to $WORK/LABEL.txt
  local label="$1" url="$2" script="$3" header="${4:-}"
  local -a args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script")
  [[ -n "$header" ]] && args+=(-H "$header")
  wrk "${args[@]}" "$url" > "$WORK/$label.txt"
}

# The tracker has more code for the JIT to compile than the bare servlet: both are warmed up (below), then
# ROUNDS alternating measurements (bare, tracker, bare, tracker...) so a burst of load from elsewhere on the
# machine hits both alike. The same request script (the same 10,000 click paths) drives both.
say "warming up: 10 s of prefetches (they cache every path's resolution), at least $WARMUP of clicks (until the JIT is done), then the bare endpoint"
# A click whose link is not yet cached pays a Cassandra read; prefetches resolve every path's token (filling
# the caches) and record nothing, so the rounds measure the cached click path.
wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -H "Purpose: prefetch" -s "$WORK/paths.lua" "http://127.0.0.1:$TRACKER_PORT" > /dev/null
# Clicks take the JIT much longer than prefetches (the event log, the writer, the driver and Cassandra's own write
# path): the click rate still doubled between the 10th and the 50th second of clicks, and on a slower machine C2
# still compiled the click path at half a core after 60 s. So WARMUP is a minimum: the clicks go on in 10 s steps
# until the tracker's compiler threads use under 2 % of a step (read from /proc), or until WARMUP_MAX. The bare
# endpoint gets a third of that time (it is steady after seconds).
jit_ticks() {  # CPU ticks used so far by the tracker's JIT compiler threads
  local pid task comm stat fields ticks=0
  pid="$(cat "$WORK/tracker/tracker.pid")"
  for task in /proc/"$pid"/task/*; do
    read -r comm < "$task/comm" 2> /dev/null || continue
    [[ "$comm" == C[12]\ Compiler* ]] || continue
    stat="$(cat "$task/stat" 2> /dev/null)" || continue
    read -r -a fields <<< "${stat##*) }"
    ticks=$((ticks + fields[11] + fields[12]))
  done
  echo "$ticks"
}
warmed=0
while :; do
  jit_before="$(jit_ticks)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s "$WORK/paths.lua" "http://127.0.0.1:$TRACKER_PORT" > /dev/null
  jit_step=$(( $(jit_ticks) - jit_before ))
  warmed=$((warmed + 10))
  (( warmed >= ${WARMUP%s} && jit_step * 100 <= 2 * 10 * $(getconf CLK_TCK) )) && break
  if (( warmed >= ${WARMUP_MAX%s} )); then
    say "warning: the JIT still compiled for $jit_step ticks of the last 10 s after ${warmed}s of clicks"
    break
  fi
done
say "clicks warmed up for ${warmed}s (JIT compiler threads: $jit_step ticks of CPU in the last 10 s)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$(( warmed / 3 ))s" -s "$WORK/paths.lua" "http://127.0.0.1:$BARE_PORT" > /dev/null
say "measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
  wait_stored
  run_wrk "bare-$round" "http://127.0.0.1:$BARE_PORT" "$WORK/paths.lua"
  run_wrk "tracker-$round" "http://127.0.0.1:$TRACKER_PORT" "$WORK/paths.lua"
  # The same clicks as browser prefetches: token check, lookup and redirect, but no event to store.
  wait_stored
  run_wrk "prefetch-$round" "http://127.0.0.1:$TRACKER_PORT" "$WORK/paths.lua" "Purpose: prefetch"
done

summary() {  # summary LABEL: requests/s p50 p99 errors
  local file="$WORK/$1.txt"
  printf '%s %s %s %s\n' \
    "$(awk '/^Requests\/sec/ {print $2}' "$file")" \
    "$(awk '$1 == "50%" {print $2}' "$file")" \
    "$(awk '$1 == "99%" {print $2}' "$file")" \
    "$(awk '/Non-2xx or 3xx/ {print "non-3xx:" $NF} /Socket errors/ {print "socket-errors"}' "$file" | tr '\n' ' ')"
}

# Fixed-rate latency at half the bare endpoint's rate (measured above), both endpoints, same URIs.
BARE_RPS="$(for round in $(seq 1 "$ROUNDS"); do awk '/^Requests\/sec/ {print $2}' "$WORK/bare-$round.txt"; done \
  | awk '{ sum += $1 } END { printf "%d", sum / NR }')"
HALF_RPS=$((BARE_RPS / 2))
PER_CLIENT=$(awk -v r="$HALF_RPS" -v c="$FIXED_CLIENTS" 'BEGIN { printf "%d", r / c }')
fixed_rate() {  # fixed_rate LABEL PORT: h2load at HALF_RPS, per-request log in $WORK/LABEL.log
  sed "s#^#http://127.0.0.1:$2#" "$WORK/paths.txt" > "$WORK/uris-$2.txt"
  rm -f "$WORK/$1.log"  # h2load appends to its log: an earlier run's requests would count again
  h2load --h1 -t 1 -c "$FIXED_CLIENTS" --rps "$PER_CLIENT" -D "${DURATION%s}" -i "$WORK/uris-$2.txt" \
    --log-file="$WORK/$1.log" > "$WORK/$1.txt" 2>&1 || true
}
percentiles() {  # percentiles LABEL: requests, achieved rate, p50 and p99 in ms, non-3xx
  awk '{ print $3 / 1000.0, $2 }' "$WORK/$1.log" | sort -n | awk -v d="${DURATION%s}" '
    { t[NR] = $1; if ($2 != 302) bad++ }
    END { printf "%d %.0f %.2f %.2f %d\n", NR, NR / d, t[int(NR * 0.5) + 1], t[int(NR * 0.99) + 1], bad }'
}
say "fixed rate: h2load --rps, $FIXED_CLIENTS clients, $HALF_RPS requests/s in all (half the bare rate)"
wait_stored
fixed_rate fixed-bare "$BARE_PORT"
wait_stored
fixed_rate fixed-tracker "$TRACKER_PORT"

say "waiting for every event to reach Cassandra"
wait_stored
RECORDED="$(metric smtpapi_tracker_events_recorded_total)"
STORED="$(metric smtpapi_tracker_events_written_total)"
DROPPED="$(metric smtpapi_tracker_events_dropped_total)"
REDIRECTED="$(metric smtpapi_tracker_clicks_total)"
bench_tracker_stop "$WORK/tracker"
kill "$BARE_PID" 2>/dev/null || true
BARE_PID=""

say "event pipeline vs raw insert (${PIPELINE_SECONDS}s each, $IN_FLIGHT in flight)"
"$JAVA" -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.smtpapi.tracker.bench.EventPipelineBenchmark \
  "$CASSANDRA" $KEYSPACE "$PIPELINE_SECONDS" "$IN_FLIGHT" | tee "$WORK/pipeline.txt"

echo
echo "=== clicks (wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, same machine, $ROUNDS alternating rounds) ==="
printf '%-7s %-26s %12s %10s %10s  %s\n' round endpoint "requests/s" p50 p99 "errors"
BARE_SUM=0; TRACKER_SUM=0; PREFETCH_SUM=0
for round in $(seq 1 "$ROUNDS"); do
  read -r rps p50 p99 err < <(summary "bare-$round")
  printf '%-7s %-26s %12s %10s %10s  %s\n' "$round" "bare Jetty 12 fixed 302" "$rps" "$p50" "$p99" "${err:-none}"
  BARE_SUM="$(awk -v a="$BARE_SUM" -v b="$rps" 'BEGIN { print a + b }')"
  read -r rps p50 p99 err < <(summary "tracker-$round")
  printf '%-7s %-26s %12s %10s %10s  %s\n' "$round" "tracker click (/f/...)" "$rps" "$p50" "$p99" "${err:-none}"
  TRACKER_SUM="$(awk -v a="$TRACKER_SUM" -v b="$rps" 'BEGIN { print a + b }')"
  read -r rps p50 p99 err < <(summary "prefetch-$round")
  printf '%-7s %-26s %12s %10s %10s  %s\n' "$round" "tracker, no event (prefetch)" "$rps" "$p50" "$p99" "${err:-none}"
  PREFETCH_SUM="$(awk -v a="$PREFETCH_SUM" -v b="$rps" 'BEGIN { print a + b }')"
done
awk -v t="$PREFETCH_SUM" -v b="$BARE_SUM" 'BEGIN { printf "ratio tracker without event / bare: %.2f\n", t / b }'
awk -v t="$TRACKER_SUM" -v b="$BARE_SUM" 'BEGIN { printf "ratio tracker / bare (sum of rounds): %.2f\n", t / b }'
echo "=== fixed rate (h2load --h1 -c$FIXED_CLIENTS --rps $PER_CLIENT per client = $HALF_RPS/s, ${DURATION}) ==="
printf '%-26s %10s %10s %10s %10s %8s\n' endpoint requests "achieved/s" "p50 ms" "p99 ms" non-302
read -r n rate p50 p99 bad < <(percentiles fixed-bare)
printf '%-26s %10s %10s %10s %10s %8s\n' "bare Jetty 12 fixed 302" "$n" "$rate" "$p50" "$p99" "$bad"
read -r n rate p50 p99 bad < <(percentiles fixed-tracker)
printf '%-26s %10s %10s %10s %10s %8s\n' "tracker click (/f/...)" "$n" "$rate" "$p50" "$p99" "$bad"
echo "events: $REDIRECTED clicks redirected (prefetches included: they record nothing), $RECORDED events recorded in the event log, $STORED stored in Cassandra, $DROPPED dropped (log full)"
[[ "$RECORDED" == "$STORED" ]] && echo "every event kept: yes" || echo "every event kept: NO ($((RECORDED - STORED)) missing)"
echo "=== event pipeline ==="
cat "$WORK/pipeline.txt"

#!/usr/bin/env bash
# CPU per request at a fixed rate (numbers go to BENCHMARKS.md): a steadier measure than a saturated rate, which
# on two shared cores moves with whatever else runs. Three servers side by side, in alternating rounds:
#   bare  the bare Jetty 12 ee10 servlet answering a fixed 302 (the baseline, measured in the same run);
#   A     the stand-alone tracker, following clicks that each record an fsynced event;
#   B     a second tracker, the same but for the options in BENCH_B_OPTIONS (e.g.
#         "SMTPAPI_EVENT_LOG_SYNC_MILLIS=2"); without them B is a second A, which shows the spread.
# Each round is h2load --h1 at BENCH_RATE requests/s (BENCH_FIXED_CLIENTS clients) for BENCH_SECONDS, then the
# wait until the tracker's writer has stored every event. CPU is read from /proc/PID/stat over that span, for the
# server and for Cassandra, and divided by the requests answered.
#
#   benchmarks/tracker-cpu.sh          (needs a Cassandra: ./smtpapi cassandra start; wrk and h2load come
#                                       from apt-get when missing)
#
# Settings (environment): BENCH_CASSANDRA (127.0.0.1:9042), BENCH_RATE (14000), BENCH_SECONDS (15),
# BENCH_ROUNDS (4), BENCH_FIXED_CLIENTS (32), BENCH_WARMUP (60: seconds of clicks for each tracker before
# measuring), BENCH_B_OPTIONS (none), ports BENCH_BARE_PORT (18191), BENCH_A_PORT (18192), BENCH_B_PORT (18193).
# Keyspaces tracker_cpu_a and tracker_cpu_b; work files in .smtpapi/bench-cpu/. What it starts is stopped at
# the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.smtpapi/bench-cpu"
CASSANDRA="${BENCH_CASSANDRA:-127.0.0.1:9042}"
RATE="${BENCH_RATE:-14000}"
SECONDS_PER_ROUND="${BENCH_SECONDS:-15}"
ROUNDS="${BENCH_ROUNDS:-4}"
CLIENTS="${BENCH_FIXED_CLIENTS:-32}"
WARMUP="${BENCH_WARMUP:-60}"
read -r -a B_OPTIONS <<< "${BENCH_B_OPTIONS:-}"
declare -A PORT=([bare]="${BENCH_BARE_PORT:-18191}" [A]="${BENCH_A_PORT:-18192}" [B]="${BENCH_B_PORT:-18193}")
# shellcheck source=lib/tracker-bench.sh
source "$ROOT/benchmarks/lib/tracker-bench.sh"
say() { echo "[bench] $*"; }

CASSANDRA_PID="$(pgrep -f 'org.apache.cassandra.service.CassandraDaemon' | head -n 1 || true)"
[[ -n "$CASSANDRA_PID" ]] || { echo "[bench] no Cassandra runs here: ./smtpapi cassandra start" >&2; exit 1; }
bench_tools
bench_build "$WORK"
bench_keys "$WORK/keys"

BARE_PID=""
cleanup() {
  bench_tracker_stop "$WORK/A"
  bench_tracker_stop "$WORK/B"
  [[ -n "$BARE_PID" ]] && kill "$BARE_PID" 2>/dev/null || true
}
trap cleanup EXIT

declare -A PID
for v in A B; do
  options=()
  [[ $v == B ]] && options=("${B_OPTIONS[@]}")
  say "starting tracker $v on :${PORT[$v]} (keyspace tracker_cpu_${v,,}${options[*]:+, ${options[*]}})"
  bench_tracker_start "$WORK/$v" "${PORT[$v]}" "tracker_cpu_${v,,}" "$WORK/keys" "$CASSANDRA" "${options[@]}" > /dev/null
  PID[$v]="$(cat "$WORK/$v/tracker.pid")"
  bench_paths "$CASSANDRA" "tracker_cpu_${v,,}" "$WORK/keys" "$WORK/paths-$v.txt" "$WORK/paths-$v.lua" > /dev/null
done
"$JAVA" -Xmx256m -cp "$CP" dev.smtpapi.tracker.bench.BareRedirectServer "${PORT[bare]}" > "$WORK/bare.log" 2>&1 &
BARE_PID=$!
PID[bare]=$BARE_PID
cp "$WORK/paths-A.txt" "$WORK/paths-bare.txt"
cp "$WORK/paths-A.lua" "$WORK/paths-bare.lua"
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:${PORT[bare]}/f/a/x" && break; sleep 0.5; done
for v in bare A B; do sed "s#^#http://127.0.0.1:${PORT[$v]}#" "$WORK/paths-$v.txt" > "$WORK/uris-$v.txt"; done

say "warming up: 10 s of prefetches and ${WARMUP} s of clicks for each tracker, 20 s for the bare endpoint"
for v in A B; do
  wrk -t2 -c64 -d10s -H "Purpose: prefetch" -s "$WORK/paths-$v.lua" "http://127.0.0.1:${PORT[$v]}" > /dev/null
done
for _ in $(seq 10 10 "$WARMUP"); do
  for v in A B; do wrk -t2 -c64 -d10s -s "$WORK/paths-$v.lua" "http://127.0.0.1:${PORT[$v]}" > /dev/null; done
done
wrk -t2 -c64 -d20s -s "$WORK/paths-bare.lua" "http://127.0.0.1:${PORT[bare]}" > /dev/null

settle() { bench_wait_stored "${PORT[A]}"; bench_wait_stored "${PORT[B]}"; sleep 2; }
round() {  # round VARIANT: prints requests, achieved/s, server µs/request, Cassandra µs/request, p50, p99, non-302
  local v="$1" server0 cassandra0 server1 cassandra1
  settle
  server0="$(bench_ticks "${PID[$v]}")" cassandra0="$(bench_ticks "$CASSANDRA_PID")"
  rm -f "$WORK/round.log"
  h2load --h1 -t 1 -c "$CLIENTS" --rps $((RATE / CLIENTS)) -D "$SECONDS_PER_ROUND" -i "$WORK/uris-$v.txt" \
    --log-file="$WORK/round.log" > "$WORK/round.txt" 2>&1 || true
  [[ $v == bare ]] || bench_wait_stored "${PORT[$v]}"
  server1="$(bench_ticks "${PID[$v]}")" cassandra1="$(bench_ticks "$CASSANDRA_PID")"
  awk '{ print $3 / 1000.0, $2 }' "$WORK/round.log" | sort -n | awk -v d="$SECONDS_PER_ROUND" \
    -v s=$((server1 - server0)) -v c=$((cassandra1 - cassandra0)) -v hz="$(getconf CLK_TCK)" '
    { t[NR] = $1; if ($2 != 302) bad++ }
    END { us = 1e6 / hz / NR; printf "%d %.0f %.1f %.1f %.2f %.2f %d\n", NR, NR / d, s * us, c * us,
          t[int(NR * 0.5) + 1], t[int(NR * 0.99) + 1], bad }'
}

say "measuring: $ROUNDS rounds of bare, A, B at $RATE requests/s for ${SECONDS_PER_ROUND}s each"
printf '%-6s %-5s %9s %11s %14s %17s %7s %7s %8s\n' round what requests "achieved/s" "server µs/req" \
  "Cassandra µs/req" "p50 ms" "p99 ms" non-302 | tee "$WORK/results.txt"
for r in $(seq 1 "$ROUNDS"); do
  for v in bare A B; do
    read -r n rate server cassandra p50 p99 bad < <(round "$v")
    printf '%-6s %-5s %9s %11s %14s %17s %7s %7s %8s\n' "$r" "$v" "$n" "$rate" "$server" "$cassandra" "$p50" \
      "$p99" "$bad" | tee -a "$WORK/results.txt"
  done
done
echo "=== means over the rounds (B: ${BENCH_B_OPTIONS:-the same as A}) ==="
awk 'NR > 1 { n[$2]++; s[$2] += $5; c[$2] += $6 }
  END { for (v in n) printf "%-5s server %.1f µs/request, Cassandra %.1f µs/request\n", v, s[v] / n[v], c[v] / n[v];
        printf "A / bare (server CPU per request): %.2f; B / A: %.2f\n", s["A"] / s["bare"] * n["bare"] / n["A"],
               s["B"] / s["A"] * n["A"] / n["B"] }' "$WORK/results.txt"

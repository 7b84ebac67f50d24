#!/usr/bin/env bash
# End-to-end throughput through the real James 3.8.1 stack (James + the javax mailet jar, the tracker, a
# Cassandra, the loopback SMTP sink): a 112 KB newsletter to 100 recipients, tracked, against the same James
# delivering the same 100 copies untracked as single-recipient mails, in the same run, rounds alternating.
# Prints copies/s of each and the ratio (dev.smtpapi.benchmarks.e2e.EndToEndThroughput). See BENCHMARKS.md.
#
#   ./smtpapi build && benchmarks/e2e-throughput.sh
#
# Everything listens on 127.0.0.1 only, on the ports below (environment, defaults in brackets):
#   BENCH_SMTP_PORT [21025], BENCH_IMAP_PORT [21143], BENCH_WEBADMIN_PORT [21800], BENCH_SINK_PORT [21026],
#   BENCH_TRACKER_PORT [21080], BENCH_CASSANDRA_PORT [40142]: CQL port of the Cassandra to use; when nothing
#   answers there, one is started for the run (data in .smtpapi/bench-cassandra/) and stopped afterwards.
#   BENCH_ROUNDS [5]: measured rounds of each kind, after one warm-up round of each.
# The stack is the end-to-end tests' (scripts/stack.sh test-up, state in .smtpapi/test-stack/): do not run this
# while ./smtpapi test runs in the same checkout. It is stopped when the benchmark ends, whatever the outcome.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export SMTPAPI_STACK_SMTP_PORT="${BENCH_SMTP_PORT:-21025}"
export SMTPAPI_STACK_IMAP_PORT="${BENCH_IMAP_PORT:-21143}"
export SMTPAPI_STACK_WEBADMIN_PORT="${BENCH_WEBADMIN_PORT:-21800}"
export SMTPAPI_STACK_SINK_PORT="${BENCH_SINK_PORT:-21026}"
export SMTPAPI_STACK_TRACKER_PORT="${BENCH_TRACKER_PORT:-21080}"
export SMTPAPI_CASSANDRA_PORT="${BENCH_CASSANDRA_PORT:-40142}"
ROUNDS="${BENCH_ROUNDS:-5}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
STACK_ENV="$ROOT/.smtpapi/test-stack/stack.env"
CASSANDRA_DIR="$ROOT/.smtpapi/bench-cassandra"

say() { printf '==> %s\n' "$*"; }
die() { printf 'e2e-throughput: %s\n' "$*" >&2; exit 1; }

[[ -f "$BENCH_JAR" ]] || die "$BENCH_JAR is missing: build first (./smtpapi build)"
compgen -G "$ROOT/mailet-javax/target/smtpapi-mailet-*-james38.jar" >/dev/null \
    || die "the javax mailet jar is missing: build first (./smtpapi build)"
[[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] || die "BENCH_ROUNDS must be 1..99, was '$ROUNDS'"

# shellcheck source=../scripts/lib/java.sh
source "$ROOT/scripts/lib/java.sh"

STARTED_CASSANDRA=0
cleanup() {
    local status=$?
    say "stopping the stack"
    bash "$ROOT/scripts/stack.sh" test-down >/dev/null 2>&1 || true
    if ((STARTED_CASSANDRA)); then
        say "stopping the Cassandra this run started"
        SMTPAPI_CASSANDRA_DIR="$CASSANDRA_DIR" "$ROOT/smtpapi" cassandra stop >/dev/null 2>&1 || true
    fi
    exit "$status"
}
trap cleanup EXIT

if port_in_use "$SMTPAPI_CASSANDRA_PORT"; then
    say "using the Cassandra that answers on 127.0.0.1:$SMTPAPI_CASSANDRA_PORT"
else
    say "starting a Cassandra for this run on 127.0.0.1:$SMTPAPI_CASSANDRA_PORT"
    STARTED_CASSANDRA=1
    SMTPAPI_CASSANDRA_DIR="$CASSANDRA_DIR" "$ROOT/smtpapi" cassandra start
fi

bash "$ROOT/scripts/stack.sh" test-up >/dev/null
# shellcheck disable=SC1090
source "$STACK_ENV"
say "stack up: James SMTP 127.0.0.1:$SMTP_PORT, sink 127.0.0.1:$SINK_PORT ($SINK_DIR), tracker $TRACKER_URL"

find_maven_jdk
"$MAVEN_JAVA_HOME/bin/java" -Xmx256m -cp "$BENCH_JAR" dev.smtpapi.benchmarks.e2e.EndToEndThroughput "$SMTP_PORT" "$SINK_DIR" "$ROUNDS"

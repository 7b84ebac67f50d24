#!/usr/bin/env bash
# The whole product on one machine: Cassandra, the tracker, a real James server with the mailet, and a loopback
# SMTP sink standing in for the internet. `./smtpapi up|down|status` and `./smtpapi test` call this script.
#
#   scripts/stack.sh up         the demo stack (SMTP 2525, IMAP 1143, tracker 8080, Cassandra 9042),
#                               state under .smtpapi/, what runs where in .smtpapi/stack.env
#   scripts/stack.sh down       stops all of it by PID
#   scripts/stack.sh status     what runs
#   scripts/stack.sh test-up    the same stack on other ports for the end-to-end tests (SMTP 12525, IMAP 11143,
#                               tracker 18080), state under .smtpapi/test-stack/, against the Cassandra that
#                               ./smtpapi test started (SMTPAPI_CASSANDRA_PORT, default 19042); it writes
#                               .smtpapi/test-stack/stack.env, which the e2e module reads
#   scripts/stack.sh test-down  stops the test stack (not its Cassandra: ./smtpapi test owns that one)
#
# Starting twice starts nothing twice: every part is recorded in a PID file and checked before starting.
# Ports can be moved with SMTPAPI_STACK_SMTP_PORT, _IMAP_PORT, _WEBADMIN_PORT, _SINK_PORT and _TRACKER_PORT.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SINK_SOURCE="$ROOT/e2e/src/main/java/dev/smtpapi/e2e/SmtpSink.java"
DOMAIN=demo.local
PASSWORD=demo

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

configure() {  # configure demo|test
    MODE="$1"
    if [[ "$MODE" == demo ]]; then
        STACK_DIR="$ROOT/.smtpapi"
        SMTP_PORT=2525 IMAP_PORT=1143 WEBADMIN_PORT=8000 SINK_PORT=2526 TRACKER_PORT=8080
        CASSANDRA_PORT="${SMTPAPI_CASSANDRA_PORT:-9042}"
        KEY_FILE="$STACK_DIR/keys"
    else
        STACK_DIR="$ROOT/.smtpapi/test-stack"
        SMTP_PORT=12525 IMAP_PORT=11143 WEBADMIN_PORT=18000 SINK_PORT=12526 TRACKER_PORT=18080
        CASSANDRA_PORT="${SMTPAPI_CASSANDRA_PORT:-19042}"
        KEY_FILE="$STACK_DIR/keys"
    fi
    # Any port can be moved, e.g. to run a second stack beside this one.
    SMTP_PORT="${SMTPAPI_STACK_SMTP_PORT:-$SMTP_PORT}"
    IMAP_PORT="${SMTPAPI_STACK_IMAP_PORT:-$IMAP_PORT}"
    WEBADMIN_PORT="${SMTPAPI_STACK_WEBADMIN_PORT:-$WEBADMIN_PORT}"
    SINK_PORT="${SMTPAPI_STACK_SINK_PORT:-$SINK_PORT}"
    TRACKER_PORT="${SMTPAPI_STACK_TRACKER_PORT:-$TRACKER_PORT}"
    ENV_FILE="$STACK_DIR/stack.env"
    API_KEY_FILE="$STACK_DIR/api-key"
    JAMES_DIR="$STACK_DIR/james"
    TRACKER_DIR="$STACK_DIR/tracker"
    SINK_DIR="$STACK_DIR/sink"
    SINK_PID="$STACK_DIR/sink.pid"
    SINK_LOG="$STACK_DIR/sink.log"
    TRACKER_URL="http://127.0.0.1:$TRACKER_PORT"
}

# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"

mailet_jar() {
    compgen -G "$ROOT/mailet-javax/target/smtpapi-mailet-*-james38.jar" | head -n 1 || true
}

# Builds what is missing: the javax mailet jar, the tracker and James's own jars.
ensure_built() {
    if [[ -z "$(mailet_jar)" ]] || [[ ! -f "$ROOT/scripts/tracker.sh" ]]; then
        if [[ "$MODE" == test ]]; then
            die "the javax mailet jar (mailet-javax/target/smtpapi-mailet-*-james38.jar) is missing: build first (./smtpapi build)"
        fi
        say "building what is missing (./smtpapi build)"
        "$ROOT/smtpapi" build
        [[ -n "$(mailet_jar)" ]] || die "the build made no mailet-javax/target/smtpapi-mailet-*-james38.jar"
    fi
    [[ -f "$ROOT/scripts/tracker.sh" ]] || die "scripts/tracker.sh is missing: the tracker cannot be started"
}

ensure_keys() {
    mkdir -p "$STACK_DIR"
    if [[ ! -f "$KEY_FILE" ]]; then
        say "writing a signing-key file shared by the mailet and the tracker: $KEY_FILE"
        "$ROOT/smtpapi" keygen "$KEY_FILE" >/dev/null
    fi
    if [[ "$MODE" == test ]]; then
        # A key of its own for the test stack; the demo uses the one in the tracker's configuration.
        if [[ ! -s "$API_KEY_FILE" ]]; then
            (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$API_KEY_FILE")
        fi
        API_KEY="$(cat "$API_KEY_FILE")"
    fi
}

# The events API key the running tracker uses: SMTPAPI_API_KEY, or api_key of its configuration file.
read_api_key() {
    if [[ -n "${SMTPAPI_API_KEY:-}" ]]; then
        API_KEY="$SMTPAPI_API_KEY"
    else
        API_KEY="$(sed -n 's/^[[:space:]]*api_key[[:space:]]*[=:][[:space:]]*//p' "$TRACKER_DIR/tracker.properties" \
            2>/dev/null | tail -n 1 | sed 's/[[:space:]]*$//')"
    fi
    [[ -n "$API_KEY" ]] || die "no api_key in $TRACKER_DIR/tracker.properties: the events API would refuse everyone"
}

# Before starting anything: each port must be free, unless our own part already runs on it.
check_ports() {
    local taken=()
    james_environment
    if ! bash "$ROOT/scripts/james.sh" status >/dev/null 2>&1; then
        local port
        for port in "$SMTP_PORT" "$IMAP_PORT" "$WEBADMIN_PORT"; do
            port_in_use "$port" && taken+=("$port (James)")
        done
    fi
    [[ -z "$(sink_running_pid)" ]] && port_in_use "$SINK_PORT" && taken+=("$SINK_PORT (SMTP sink)")
    if ! TRACKER_STATE_DIR="$TRACKER_DIR" bash "$ROOT/scripts/tracker.sh" status >/dev/null 2>&1; then
        port_in_use "$TRACKER_PORT" && taken+=("$TRACKER_PORT (tracker)")
    fi
    if ((${#taken[@]})); then
        die "ports on 127.0.0.1 are taken by other processes: ${taken[*]}; is another stack running (another checkout, or ./smtpapi test)?"
    fi
    return 0
}

start_cassandra() {
    if [[ "$MODE" == demo ]]; then
        # down stops Cassandra only when up started it: a node someone was already using is left alone.
        if port_in_use "$CASSANDRA_PORT"; then
            [[ -f "$STACK_DIR/cassandra.started-by-stack" ]] || touch "$STACK_DIR/cassandra.kept-running"
        else
            rm -f "$STACK_DIR/cassandra.kept-running"
            touch "$STACK_DIR/cassandra.started-by-stack"
        fi
        SMTPAPI_CASSANDRA_PORT="$CASSANDRA_PORT" "$ROOT/smtpapi" cassandra start
    else
        port_in_use "$CASSANDRA_PORT" \
            || die "no Cassandra on 127.0.0.1:$CASSANDRA_PORT: ./smtpapi test starts one before test-up"
        say "Cassandra for the tests answers on 127.0.0.1:$CASSANDRA_PORT"
    fi
}

# The tracker's options, as environment variables (scripts/tracker.sh and the tracker read SMTPAPI_<OPTION>).
tracker_environment() {
    export SMTPAPI_SIGNING_KEYS_FILE="$KEY_FILE"
    if [[ -n "${API_KEY:-}" ]]; then
        export SMTPAPI_API_KEY="$API_KEY"
    fi
    export SMTPAPI_LISTEN_ADDRESS=127.0.0.1
    export SMTPAPI_LISTEN_PORT="$TRACKER_PORT"
    export SMTPAPI_CASSANDRA_CONTACT_POINTS="127.0.0.1:$CASSANDRA_PORT"
    export SMTPAPI_CASSANDRA_LOCAL_DATACENTER=datacenter1
    export SMTPAPI_EVENT_LOG_DIR="$TRACKER_DIR/events"
    export TRACKER_STATE_DIR="$TRACKER_DIR"
    if [[ "$MODE" == test ]]; then
        # Webhooks: a short back-off, so the test that stops its consumer for a while stays short.
        export SMTPAPI_WEBHOOK_RETRY_FIRST_SECONDS=1 SMTPAPI_WEBHOOK_RETRY_LONGEST_SECONDS=5
    fi
}

start_tracker() {
    tracker_environment
    bash "$ROOT/scripts/tracker.sh" start
}

stop_tracker() {
    tracker_environment
    bash "$ROOT/scripts/tracker.sh" stop || true
}

sink_running_pid() {
    [[ -f "$SINK_PID" ]] || return 0
    local pid
    pid="$(cat "$SINK_PID")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] \
        && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$SINK_SOURCE" \
        && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$SINK_DIR"; then
        echo "$pid"
    fi
}

start_sink() {
    local pid
    pid="$(sink_running_pid)"
    if [[ -n "$pid" ]]; then
        say "SMTP sink already running (PID $pid) on 127.0.0.1:$SINK_PORT"
        return
    fi
    ! port_in_use "$SINK_PORT" || die "port $SINK_PORT on 127.0.0.1 is taken by another process"
    mkdir -p "$SINK_DIR"
    say "starting the SMTP sink on 127.0.0.1:$SINK_PORT (mail for other domains lands in $SINK_DIR)"
    find_java17
    setsid "$JAVA17" -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "$SINK_SOURCE" "$SINK_PORT" "$SINK_DIR" \
        </dev/null >"$SINK_LOG" 2>&1 &
    echo $! >"$SINK_PID"
    local waited=0
    until port_in_use "$SINK_PORT"; do
        kill -0 "$(cat "$SINK_PID")" 2>/dev/null || { cat "$SINK_LOG" >&2; die "the SMTP sink exited (log: $SINK_LOG)"; }
        ((waited++ < 60)) || die "the SMTP sink did not listen within 60s (log: $SINK_LOG)"
        sleep 0.5
    done
}

stop_sink() {
    local pid
    pid="$(sink_running_pid)"
    if [[ -n "$pid" ]]; then
        kill -TERM "$pid"
        local waited=0
        while kill -0 "$pid" 2>/dev/null && ((waited++ < 20)); do sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
        say "SMTP sink stopped (PID $pid)"
    fi
    rm -f "$SINK_PID"
}

james_environment() {
    export JAMES_WORKDIR="$JAMES_DIR"
    export JAMES_SMTP_PORT="$SMTP_PORT" JAMES_IMAP_PORT="$IMAP_PORT" JAMES_WEBADMIN_PORT="$WEBADMIN_PORT"
    export JAMES_GATEWAY_PORT="$SINK_PORT" JAMES_TRACKER_PORT="$TRACKER_PORT" JAMES_CASSANDRA_PORT="$CASSANDRA_PORT"
    JAMES_MAILET_JAR="$(mailet_jar)"
    export JAMES_MAILET_JAR
    export JAMES_KEY_FILE="$KEY_FILE"
}

write_env() {
    cat >"$ENV_FILE" <<EOF
# What scripts/stack.sh $([[ "$MODE" == demo ]] && echo up || echo test-up) started, $(date -u +%Y-%m-%dT%H:%M:%SZ).
SMTP_HOST=127.0.0.1
SMTP_PORT=$SMTP_PORT
IMAP_HOST=127.0.0.1
IMAP_PORT=$IMAP_PORT
WEBADMIN_URL=http://127.0.0.1:$WEBADMIN_PORT
TRACKER_URL=$TRACKER_URL
API_KEY=$API_KEY
DOMAIN=$DOMAIN
USERS=alice@$DOMAIN,bob@$DOMAIN,carol@$DOMAIN
PASSWORD=$PASSWORD
SINK_PORT=$SINK_PORT
SINK_DIR=$SINK_DIR
CASSANDRA_PORT=$CASSANDRA_PORT
KEY_FILE=$KEY_FILE
JAMES_LOG=$JAMES_DIR/james.log
TRACKER_LOG=$TRACKER_DIR/tracker.log
SINK_LOG=$SINK_LOG
EOF
    chmod 600 "$ENV_FILE"
}

write_example() {
    EXAMPLE="$STACK_DIR/example.eml"
    cat >"$EXAMPLE" <<EOF
From: Demo Shop <news@$DOMAIN>
To: Bob <bob@$DOMAIN>
Subject: Autumn is here
MIME-Version: 1.0
X-MSYS-API: {"campaign_id":"autumn-demo","metadata":{"tier":"gold"},"tags":["newsletter"]}
Content-Type: text/html; charset=utf-8

<html><body>
<p>Our new boots are in: <a href="https://shop.example.com/autumn/boots?utm_source=newsletter&amp;utm_medium=email">shop the boots</a>.</p>
</body></html>
EOF
}

up() {
    configure "$1"
    if [[ "$MODE" == test ]]; then
        # The tests get a fresh stack: nothing left running or stored by an earlier run.
        stop_parts
        rm -rf "$JAMES_DIR" "$SINK_DIR" "$TRACKER_DIR"
    fi
    mkdir -p "$STACK_DIR"
    rm -f "$ENV_FILE"
    check_ports
    ensure_built
    ensure_keys
    start_cassandra
    start_tracker
    read_api_key
    start_sink
    james_environment
    bash "$ROOT/scripts/james.sh" start
    write_env
    write_example
    echo
    say "the smtpapi stack is up ($ENV_FILE):"
    note "SMTP      127.0.0.1:$SMTP_PORT   (James 3.8.1 + $(basename "$(mailet_jar)"), open and click tracking on)"
    note "IMAP      127.0.0.1:$IMAP_PORT   users alice, bob, carol @$DOMAIN, password $PASSWORD"
    note "tracker   $TRACKER_URL   events API key: $API_KEY"
    note "report    $TRACKER_URL/report/   campaign report page; sign in with the events API key"
    note "Cassandra 127.0.0.1:$CASSANDRA_PORT"
    note "sink      127.0.0.1:$SINK_PORT   mail for other domains is stored in $SINK_DIR"
    note "logs      $JAMES_DIR/james.log, $TRACKER_DIR/tracker.log, $SINK_LOG, Cassandra's as printed above"
    echo
    say "send a tracked mail to bob:"
    note "curl -sS smtp://127.0.0.1:$SMTP_PORT --crlf --mail-from news@$DOMAIN --mail-rcpt bob@$DOMAIN --upload-file $EXAMPLE"
    say "read it, with its tracked link and pixel:"
    note "curl -sS 'imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1' -u bob@$DOMAIN:$PASSWORD"
    say "then the events of the campaign:"
    note "curl -sS -H 'Authorization: $API_KEY' '$TRACKER_URL/api/v1/events/message?campaigns=autumn-demo'"
}

# James, the sink and the tracker (not Cassandra).
stop_parts() {
    james_environment
    bash "$ROOT/scripts/james.sh" stop
    stop_sink
    if [[ -f "$ROOT/scripts/tracker.sh" ]]; then
        stop_tracker
    fi
}

down() {
    configure "$1"
    stop_parts
    if [[ "$MODE" == demo ]]; then
        if [[ -f "$STACK_DIR/cassandra.kept-running" ]]; then
            say "Cassandra on 127.0.0.1:$CASSANDRA_PORT was running before 'up': left running (./smtpapi cassandra stop stops it)"
        else
            SMTPAPI_CASSANDRA_PORT="$CASSANDRA_PORT" "$ROOT/smtpapi" cassandra stop
        fi
        rm -f "$STACK_DIR/cassandra.kept-running" "$STACK_DIR/cassandra.started-by-stack"
    fi
    rm -f "$ENV_FILE"
}

status() {
    configure demo
    james_environment
    bash "$ROOT/scripts/james.sh" status || true
    local pid
    pid="$(sink_running_pid)"
    if [[ -n "$pid" ]]; then
        echo "SMTP sink: running, PID $pid, 127.0.0.1:$SINK_PORT, mail in $SINK_DIR"
    else
        echo "SMTP sink: not running"
    fi
    if [[ -f "$ROOT/scripts/tracker.sh" ]]; then
        tracker_environment
        bash "$ROOT/scripts/tracker.sh" status || true
    fi
}

case "${1:-}" in
    up) up demo ;;
    down) down demo ;;
    status) status ;;
    test-up) up test ;;
    test-down) down test ;;
    *) echo "usage: $0 up|down|status|test-up|test-down" >&2; exit 2 ;;
esac

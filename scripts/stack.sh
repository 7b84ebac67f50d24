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
# Ports can be moved with SMTPAPI_STACK_SMTP_PORT, _IMAP_PORT, _WEBADMIN_PORT, _SINK_PORT, _TRACKER_PORT and
# _TRACKER2_PORT.
#
# SMTPAPI_CASSANDRA_NODES=3 (default 1): a three-node cluster instead of one node (scripts/cluster.sh; CQL on
# 127.0.0.1, .2 and .3 at SMTPAPI_CASSANDRA_PORT, default 9142 for up), the keyspace created with
# NetworkTopologyStrategy datacenter1=3, the mailet and the tracker given all three contact points (at
# LOCAL_QUORUM, their default), and a second tracker on the next port against the same cluster. up starts
# the cluster and down stops it; test-up expects ./smtpapi test-cluster to have started it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SINK_SOURCE="$ROOT/e2e/src/main/java/dev/smtpapi/e2e/SmtpSink.java"
DOMAIN=demo.local
PASSWORD=demo

LOG_TAG=stack
# shellcheck source=lib/process.sh
source "$ROOT/scripts/lib/process.sh"

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
    TRACKER2_PORT="${SMTPAPI_STACK_TRACKER2_PORT:-$((TRACKER_PORT + 1))}"
    ENV_FILE="$STACK_DIR/stack.env"
    NODES_FILE="$STACK_DIR/cassandra.nodes"
    CLUSTER_DIR="$STACK_DIR/cluster"
    # down stops what up started: the number of nodes comes from up's record when there is one.
    NODES="${SMTPAPI_CASSANDRA_NODES:-$(cat "$NODES_FILE" 2>/dev/null || echo 1)}"
    [[ "$NODES" == 1 || "$NODES" == 3 ]] || die "SMTPAPI_CASSANDRA_NODES must be 1 or 3, not '$NODES'"
    if [[ "$NODES" == 3 ]]; then
        if [[ "$MODE" == demo ]]; then
            CASSANDRA_PORT="${SMTPAPI_CASSANDRA_PORT:-9142}"
        else
            CASSANDRA_PORT="${SMTPAPI_CASSANDRA_PORT:-19142}"
            CLUSTER_DIR="${SMTPAPI_CLUSTER_DIR:-$ROOT/.smtpapi/test-cluster}"
        fi
        CONTACT_POINTS="127.0.0.1:$CASSANDRA_PORT,127.0.0.2:$CASSANDRA_PORT,127.0.0.3:$CASSANDRA_PORT"
        REPLICATION="NetworkTopologyStrategy:datacenter1=3"
    else
        CONTACT_POINTS="127.0.0.1:$CASSANDRA_PORT"
        REPLICATION="SimpleStrategy:1"
    fi
    API_KEY_FILE="$STACK_DIR/api-key"
    JAMES_DIR="$STACK_DIR/james"
    TRACKER_DIR="$STACK_DIR/tracker"
    TRACKER2_DIR="$STACK_DIR/tracker2"
    SINK_DIR="$STACK_DIR/sink"
    SINK_PID="$STACK_DIR/sink.pid"
    SINK_LOG="$STACK_DIR/sink.log"
    TRACKER_URL="http://127.0.0.1:$TRACKER_PORT"
    TRACKER2_URL="http://127.0.0.1:$TRACKER2_PORT"
    SINK_MARKERS=("$SINK_SOURCE" "$SINK_DIR")
}

# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"
# shellcheck source=lib/cassandra.sh
source "$ROOT/scripts/lib/cassandra.sh"

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

# The events API key the running tracker uses: the test stack's own (ensure_keys), else SMTPAPI_API_KEY, else
# api_key of its configuration file.
read_api_key() {
    if [[ "$MODE" == test ]]; then
        [[ -n "${API_KEY:-}" ]] || die "the test stack has no API key (ensure_keys writes $API_KEY_FILE)"
    elif [[ -n "${SMTPAPI_API_KEY:-}" ]]; then
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
    if [[ "$NODES" == 3 ]] && ! tracker2 status >/dev/null 2>&1; then
        port_in_use "$TRACKER2_PORT" && taken+=("$TRACKER2_PORT (second tracker)")
    fi
    if ((${#taken[@]})); then
        die "ports on 127.0.0.1 are taken by other processes: ${taken[*]}; is another stack running (another checkout, or ./smtpapi test)?"
    fi
    return 0
}

cluster() {  # cluster COMMAND...: scripts/cluster.sh on this stack's cluster
    SMTPAPI_CLUSTER_DIR="$CLUSTER_DIR" SMTPAPI_CASSANDRA_PORT="$CASSANDRA_PORT" bash "$ROOT/scripts/cluster.sh" "$@"
}

start_cassandra() {
    if [[ "$MODE" == test ]]; then
        local point
        for point in ${CONTACT_POINTS//,/ }; do
            cql_answers "${point%:*}" "${point##*:}" \
                || die "no Cassandra answers CQL on $point: ./smtpapi $([[ "$NODES" == 3 ]] && echo test-cluster || echo test) starts it before test-up"
        done
        say "Cassandra for the tests answers on $CONTACT_POINTS"
    elif [[ "$NODES" == 3 ]]; then
        echo 3 >"$NODES_FILE"
        cluster start
    else
        # down stops Cassandra only when up started it: a node someone was already using is left alone.
        if port_in_use "$CASSANDRA_PORT"; then
            [[ -f "$STACK_DIR/cassandra.started-by-stack" ]] || touch "$STACK_DIR/cassandra.kept-running"
        else
            rm -f "$STACK_DIR/cassandra.kept-running"
            touch "$STACK_DIR/cassandra.started-by-stack"
        fi
        echo 1 >"$NODES_FILE"
        SMTPAPI_CASSANDRA_PORT="$CASSANDRA_PORT" "$ROOT/smtpapi" cassandra start
    fi
}

# The tracker's options, as environment variables (scripts/tracker.sh and the tracker read SMTPAPI_<OPTION>).
# tracker_environment [DIR PORT]: the first tracker's, or another's with its own folder and port.
tracker_environment() {
    local dir="${1:-$TRACKER_DIR}" port="${2:-$TRACKER_PORT}"
    export SMTPAPI_SIGNING_KEYS_FILE="$KEY_FILE"
    if [[ -n "${API_KEY:-}" ]]; then
        export SMTPAPI_API_KEY="$API_KEY"
    fi
    export SMTPAPI_LISTEN_ADDRESS=127.0.0.1
    export SMTPAPI_LISTEN_PORT="$port"
    export SMTPAPI_CASSANDRA_CONTACT_POINTS="$CONTACT_POINTS"
    export SMTPAPI_CASSANDRA_LOCAL_DATACENTER=datacenter1
    export SMTPAPI_CASSANDRA_REPLICATION="$REPLICATION"
    export SMTPAPI_EVENT_LOG_DIR="$dir/events"
    export TRACKER_STATE_DIR="$dir"
    if [[ "$MODE" == test ]]; then
        # Webhooks: a short back-off, so the test that stops its consumer for a while stays short.
        export SMTPAPI_WEBHOOK_RETRY_FIRST_SECONDS=1 SMTPAPI_WEBHOOK_RETRY_LONGEST_SECONDS=5
    fi
}

# tracker2 COMMAND: scripts/tracker.sh for the second tracker (cluster stacks), in a folder of its own.
tracker2() {
    (tracker_environment "$TRACKER2_DIR" "$TRACKER2_PORT" && bash "$ROOT/scripts/tracker.sh" "$1")
}

start_tracker() {
    (tracker_environment && bash "$ROOT/scripts/tracker.sh" start)
    if [[ "$NODES" == 3 ]]; then
        # A copy of the first one's configuration (signing keys, API key): a link resolves through either,
        # and each one writes the events of the clicks it answers.
        mkdir -p "$TRACKER2_DIR"
        (umask 077 && cp "$TRACKER_DIR/tracker.properties" "$TRACKER2_DIR/tracker.properties")
        tracker2 start
    fi
}

stop_tracker() {
    (tracker_environment && bash "$ROOT/scripts/tracker.sh" stop) || true
    if [[ -f "$TRACKER2_DIR/tracker.pid" ]]; then
        tracker2 stop || true
    fi
}

sink_running_pid() {
    proc_pid "$SINK_PID" "${SINK_MARKERS[@]}"
}

start_sink() {
    local pid
    pid="$(sink_running_pid)"
    if [[ -n "$pid" ]]; then
        say "the SMTP sink is already running (pid $pid) on 127.0.0.1:$SINK_PORT"
        return
    fi
    ! port_in_use "$SINK_PORT" || die "port $SINK_PORT on 127.0.0.1 is taken by another process"
    mkdir -p "$SINK_DIR"
    say "starting the SMTP sink on 127.0.0.1:$SINK_PORT (mail for other domains lands in $SINK_DIR)"
    find_java17
    rm -f "$SINK_LOG"
    proc_start "SMTP sink" "$SINK_PID" "$SINK_LOG" -- \
        "$JAVA17" -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "$SINK_SOURCE" "$SINK_PORT" "$SINK_DIR"
    proc_await "the SMTP sink (127.0.0.1:$SINK_PORT)" "$PROC_STARTED_PID" "$SINK_LOG" 60 port_in_use "$SINK_PORT"
}

stop_sink() {
    proc_stop "the SMTP sink" "$SINK_PID" 10 "${SINK_MARKERS[@]}"
}

james_environment() {
    export JAMES_WORKDIR="$JAMES_DIR"
    export JAMES_SMTP_PORT="$SMTP_PORT" JAMES_IMAP_PORT="$IMAP_PORT" JAMES_WEBADMIN_PORT="$WEBADMIN_PORT"
    export JAMES_GATEWAY_PORT="$SINK_PORT" JAMES_TRACKER_PORT="$TRACKER_PORT"
    export JAMES_CASSANDRA_CONTACT_POINTS="$CONTACT_POINTS" JAMES_CASSANDRA_REPLICATION="$REPLICATION"
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
CASSANDRA_NODES=$NODES
CASSANDRA_CONTACT_POINTS=$CONTACT_POINTS
KEY_FILE=$KEY_FILE
JAMES_LOG=$JAMES_DIR/james.log
TRACKER_LOG=$TRACKER_DIR/tracker.log
SINK_LOG=$SINK_LOG
EOF
    if [[ "$NODES" == 3 ]]; then
        cat >>"$ENV_FILE" <<EOF
TRACKER2_URL=$TRACKER2_URL
TRACKER2_LOG=$TRACKER2_DIR/tracker.log
CLUSTER_DIR=$CLUSTER_DIR
CLUSTER_SCRIPT=$ROOT/scripts/cluster.sh
EOF
    fi
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
        rm -rf "$JAMES_DIR" "$SINK_DIR" "$TRACKER_DIR" "$TRACKER2_DIR"
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
    note "SMTP      127.0.0.1:$SMTP_PORT   (James 3.8.1 + $(basename "$(mailet_jar)"), open and click tracking, List-Unsubscribe and suppression on)"
    note "IMAP      127.0.0.1:$IMAP_PORT   users alice, bob, carol @$DOMAIN, password $PASSWORD"
    note "tracker   $TRACKER_URL   events API key: $API_KEY"
    note "report    $TRACKER_URL/report/   campaign report page; sign in with the events API key"
    if [[ "$NODES" == 3 ]]; then
        note "tracker 2 $TRACKER2_URL   the same links, keys and events API, against the same cluster"
        note "Cassandra $CONTACT_POINTS   (three nodes, NetworkTopologyStrategy datacenter1=3, LOCAL_QUORUM)"
        note "          kill a node as a crash would: SMTPAPI_CLUSTER_DIR=$CLUSTER_DIR scripts/cluster.sh kill-node 3"
        note "          and start it again:           SMTPAPI_CLUSTER_DIR=$CLUSTER_DIR scripts/cluster.sh start-node 3"
    else
        note "Cassandra 127.0.0.1:$CASSANDRA_PORT"
    fi
    note "sink      127.0.0.1:$SINK_PORT   mail for other domains is stored in $SINK_DIR"
    note "logs      $JAMES_DIR/james.log, $TRACKER_DIR/tracker.log, $SINK_LOG, Cassandra's as printed above"
    echo
    say "send a tracked mail to bob:"
    note "curl -sS smtp://127.0.0.1:$SMTP_PORT --crlf --mail-from news@$DOMAIN --mail-rcpt bob@$DOMAIN --upload-file $EXAMPLE"
    say "read it, with its tracked link and pixel:"
    note "curl -sS 'imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1' -u bob@$DOMAIN:$PASSWORD"
    say "then the events of the campaign:"
    note "curl -sS -H 'Authorization: $API_KEY' '$TRACKER_URL/api/v1/events/message?campaigns=autumn-demo'"
    say "one-click unsubscribe (RFC 8058) as Gmail sends it, to the URL of the mail's List-Unsubscribe header:"
    note "URL=\$(curl -sS 'imap://127.0.0.1:$IMAP_PORT/INBOX;UID=1' -u bob@$DOMAIN:$PASSWORD | tr -d '\\r' | sed -n 's/^List-Unsubscribe: <\\([^>]*\\)>.*/\\1/p')"
    note "curl -sS -X POST -H 'Content-Type: application/x-www-form-urlencoded' -d 'List-Unsubscribe=One-Click' \"\$URL\""
    say "bob is on the suppression list now (his next non-transactional mail is not delivered); to undo it:"
    note "curl -sS -H 'Authorization: $API_KEY' '$TRACKER_URL/api/v1/suppression-list/bob@$DOMAIN'"
    note "curl -sS -X DELETE -H 'Authorization: $API_KEY' '$TRACKER_URL/api/v1/suppression-list/bob@$DOMAIN'"
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
    if [[ "$MODE" == demo && "$NODES" == 3 ]]; then
        cluster stop
    elif [[ "$MODE" == demo ]]; then
        if [[ -f "$STACK_DIR/cassandra.kept-running" ]]; then
            say "Cassandra on 127.0.0.1:$CASSANDRA_PORT was running before 'up': left running (./smtpapi cassandra stop stops it)"
        else
            SMTPAPI_CASSANDRA_PORT="$CASSANDRA_PORT" "$ROOT/smtpapi" cassandra stop
        fi
        rm -f "$STACK_DIR/cassandra.kept-running" "$STACK_DIR/cassandra.started-by-stack"
    fi
    if [[ "$MODE" == demo ]]; then rm -f "$NODES_FILE"; fi
    rm -f "$ENV_FILE"
}

status() {
    configure demo
    james_environment
    bash "$ROOT/scripts/james.sh" status || true
    local pid
    pid="$(sink_running_pid)"
    if [[ -n "$pid" ]]; then
        echo "SMTP sink: running (pid $pid), 127.0.0.1:$SINK_PORT, mail in $SINK_DIR"
    else
        echo "SMTP sink: not running"
    fi
    (tracker_environment && bash "$ROOT/scripts/tracker.sh" status) || true
    if [[ "$NODES" == 3 ]]; then
        tracker2 status || true
        cluster status || true
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

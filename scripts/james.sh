#!/usr/bin/env bash
# A real Apache James server (james-server-memory-app 3.8.1) for the demo stack and the end-to-end tests.
#
#   scripts/james.sh start|stop|status
#
# start: resolves James into james-server/target/lib when missing, writes a working directory
#   ($JAMES_WORKDIR, default .smtpapi/james) with conf/ made from james-conf/ and extensions-jars/, starts
#   org.apache.james.MemoryJamesServerMain detached (setsid) with its log in $JAMES_WORKDIR/james.log, waits
#   until SMTP greets and webadmin answers, then creates the demo users through webadmin. A second start
#   while James runs does nothing.
# stop: ends James by the PID in $JAMES_WORKDIR/james.pid, after checking that PID is really James.
#
# Settings (environment; defaults are the demo's):
#   JAMES_WORKDIR        working directory                          .smtpapi/james
#   JAMES_SMTP_PORT      SMTP on 127.0.0.1                          2525
#   JAMES_IMAP_PORT      IMAP on 127.0.0.1                          1143
#   JAMES_WEBADMIN_PORT  webadmin on 127.0.0.1                      8000
#   JAMES_GATEWAY_PORT   the SMTP sink RemoteDelivery sends to      2526
#   JAMES_TRACKER_PORT   port of the tracker in tracked links       8080
#   JAMES_CASSANDRA_PORT Cassandra's CQL port on 127.0.0.1          9042
#   JAMES_CASSANDRA_CONTACT_POINTS  host:port[,host:port...] of the mailet's Cassandra (overrides the port above)
#   JAMES_CASSANDRA_REPLICATION     replication of the keyspace the mailet creates     SimpleStrategy:1
#   JAMES_MAILET_JAR     the javax mailet jar for James 3.8; when empty James runs without tracking
#   JAMES_KEY_FILE       signing-key file shared with the tracker (needed with JAMES_MAILET_JAR)
#   JAMES_JAVA           java to run James with                     Java 17 (/usr/lib/jvm/java-17-openjdk-amd64)
#   JAMES_HEAP           maximum heap                               512m
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKDIR="${JAMES_WORKDIR:-$ROOT/.smtpapi/james}"
SMTP_PORT="${JAMES_SMTP_PORT:-2525}"
IMAP_PORT="${JAMES_IMAP_PORT:-1143}"
WEBADMIN_PORT="${JAMES_WEBADMIN_PORT:-8000}"
GATEWAY_PORT="${JAMES_GATEWAY_PORT:-2526}"
TRACKER_PORT="${JAMES_TRACKER_PORT:-8080}"
CASSANDRA_PORT="${JAMES_CASSANDRA_PORT:-9042}"
CASSANDRA_CONTACT_POINTS="${JAMES_CASSANDRA_CONTACT_POINTS:-127.0.0.1:$CASSANDRA_PORT}"
CASSANDRA_REPLICATION="${JAMES_CASSANDRA_REPLICATION:-SimpleStrategy:1}"
MAILET_JAR="${JAMES_MAILET_JAR:-}"
KEY_FILE="${JAMES_KEY_FILE:-}"
HEAP="${JAMES_HEAP:-512m}"
LIB="$ROOT/james-server/target/lib"
PID_FILE="$WORKDIR/james.pid"
ENDPOINTS_FILE="$WORKDIR/james.endpoints"
LOG="$WORKDIR/james.log"
MAIN_CLASS=org.apache.james.MemoryJamesServerMain
DOMAIN=demo.local
USERS=(alice bob carol)
PASSWORD=demo
START_TIMEOUT=180
STOP_TIMEOUT=30

LOG_TAG=james
# shellcheck source=lib/process.sh
source "$ROOT/scripts/lib/process.sh"
# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"

find_java() {
    if [[ -n "${JAMES_JAVA:-}" ]]; then
        echo "$JAMES_JAVA"
    else
        find_java17
        echo "$JAVA17"
    fi
}

# The PID from the pid file when that process is alive and is this working directory's James (another
# checkout's server is not ours to stop); empty otherwise.
running_pid() {
    proc_pid "$PID_FILE" "$MAIN_CLASS" "-Dworking.directory=$WORKDIR"
}

resolve_james() {
    if [[ -d "$LIB" ]] && compgen -G "$LIB/james-server-memory-app-*.jar" >/dev/null; then
        return
    fi
    say "resolving James 3.8.1 (memory app, ~120 MB, once) into $LIB"
    find_maven_jdk
    JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/james-server/pom.xml" package \
        || die "could not resolve org.apache.james:james-server-memory-app (see the Maven output above)"
}

# conf/ from the james-conf/ files, with this run's ports and paths.
write_configuration() {
    local conf="$WORKDIR/conf"
    rm -rf "$conf" "$WORKDIR/extensions-jars"
    mkdir -p "$conf" "$WORKDIR/extensions-jars"
    # Each value the stack moves, in the one file that holds it. conf_fill fails when a template no longer
    # contains the default it replaces, so a renamed element never leaves the demo's port in a test stack.
    conf_fill "$ROOT/james-conf/smtpserver.xml" "$conf/smtpserver.xml" \
        "<bind>127.0.0.1:2525</bind>" "<bind>127.0.0.1:$SMTP_PORT</bind>"
    conf_fill "$ROOT/james-conf/imapserver.xml" "$conf/imapserver.xml" \
        "<bind>127.0.0.1:1143</bind>" "<bind>127.0.0.1:$IMAP_PORT</bind>"
    conf_fill "$ROOT/james-conf/webadmin.properties" "$conf/webadmin.properties" \
        $'\nport=8000\n' $'\nport='"$WEBADMIN_PORT"$'\n'
    conf_fill "$ROOT/james-conf/mailetcontainer.xml" "$conf/mailetcontainer.xml" \
        "<gatewayPort>2526</gatewayPort>" "<gatewayPort>$GATEWAY_PORT</gatewayPort>" \
        "<tracking_domain>127.0.0.1:8080</tracking_domain>" "<tracking_domain>127.0.0.1:$TRACKER_PORT</tracking_domain>" \
        "<smtpapi_tracking_domain>localhost:8080</smtpapi_tracking_domain>" \
        "<smtpapi_tracking_domain>localhost:$TRACKER_PORT</smtpapi_tracking_domain>" \
        "<cassandra_contact_points>127.0.0.1:9042</cassandra_contact_points>" \
        "<cassandra_contact_points>$CASSANDRA_CONTACT_POINTS</cassandra_contact_points>" \
        "<cassandra_keyspace>smtpapi</cassandra_keyspace>" \
        "<cassandra_keyspace>smtpapi</cassandra_keyspace>"$'\n                '"<cassandra_replication>$CASSANDRA_REPLICATION</cassandra_replication>"
    local file
    for file in domainlist.xml dnsservice.xml usersrepository.xml jmap.properties jmx.properties logback.xml; do
        cp "$ROOT/james-conf/$file" "$conf/$file"
    done
    if [[ -n "$MAILET_JAR" ]]; then
        [[ -f "$MAILET_JAR" ]] || die "mailet jar $MAILET_JAR not found"
        [[ -n "$KEY_FILE" && -f "$KEY_FILE" ]] || die "JAMES_KEY_FILE must name the signing-key file"
        cp "$MAILET_JAR" "$WORKDIR/extensions-jars/"
        cp "$KEY_FILE" "$conf/smtpapi-keys.properties"
        chmod 600 "$conf/smtpapi-keys.properties"
    else
        # No mailet: drop the EngagementTracking entries (each runs from its <mailet ...> line to </mailet>).
        grep -q 'class="dev.smtpapi.mailet.EngagementTracking"' "$conf/mailetcontainer.xml" \
            || die "james-conf/mailetcontainer.xml has no EngagementTracking entry to remove"
        sed -i '/class="dev.smtpapi.mailet.EngagementTracking"/,/<\/mailet>/d' "$conf/mailetcontainer.xml"
        say "no JAMES_MAILET_JAR: running without tracking"
    fi
}

smtp_greets() {
    local banner
    { exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT"; } 2>/dev/null || return 1
    read -r -t 5 banner <&3 || banner=""
    printf 'QUIT\r\n' >&3 2>/dev/null || true
    exec 3<&- 3>&-
    [[ "$banner" == 220* ]]
}

webadmin_answers() {
    curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$WEBADMIN_PORT/domains" 2>/dev/null
}

create_users() {
    local user status
    for user in "${USERS[@]}"; do
        status="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X PUT \
            -H 'Content-Type: application/json' -d "{\"password\":\"$PASSWORD\"}" \
            "http://127.0.0.1:$WEBADMIN_PORT/users/$user@$DOMAIN")"
        [[ "$status" == 204 ]] || die "webadmin refused to create $user@$DOMAIN (HTTP $status)"
    done
}

# Where the running James listens, as recorded when it started.
endpoints() {
    cat "$ENDPOINTS_FILE" 2>/dev/null || echo "SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT"
}

james_answers() { smtp_greets && webadmin_answers; }

start() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        say "James is already running (pid $pid), $(endpoints)"
        return
    fi
    local port
    for port in "$SMTP_PORT" "$IMAP_PORT" "$WEBADMIN_PORT"; do
        ! port_in_use "$port" || die "port $port on 127.0.0.1 is taken by another process"
    done
    resolve_james
    mkdir -p "$WORKDIR"
    write_configuration
    local java
    java="$(find_java)"
    say "starting James 3.8.1 with $java"
    note "log: $LOG"
    rm -f "$LOG"
    proc_start James "$PID_FILE" "$LOG" "$WORKDIR" -- "$java" -Xms128m "-Xmx$HEAP" -XX:+UseSerialGC -Xss512k \
        -Djava.net.preferIPv4Stack=true \
        "-Dworking.directory=$WORKDIR" \
        "-Dlogback.configurationFile=$WORKDIR/conf/logback.xml" \
        -cp "$LIB/*" "$MAIN_CLASS"
    pid="$PROC_STARTED_PID"
    proc_await "James (SMTP $SMTP_PORT, webadmin $WEBADMIN_PORT)" "$pid" "$LOG" "$START_TIMEOUT" james_answers
    create_users
    echo "SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT, webadmin http://127.0.0.1:$WEBADMIN_PORT" >"$ENDPOINTS_FILE"
    say "James is ready after ${PROC_WAITED}s (pid $pid): SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT," \
        "webadmin http://127.0.0.1:$WEBADMIN_PORT"
    note "users ${USERS[*]/%/@$DOMAIN} (password $PASSWORD)"
}

stop() {
    proc_stop James "$PID_FILE" "$STOP_TIMEOUT" "$MAIN_CLASS" "-Dworking.directory=$WORKDIR"
}

status() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        echo "James: running (pid $pid), $(endpoints), log $LOG"
    else
        echo "James: not running"
        return 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

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

say() { echo "[james] $*"; }
fail() { echo "[james] ERROR: $*" >&2; exit 1; }

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

# The PID from the pid file when that process is alive and is James; empty otherwise.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 0
    local pid
    pid="$(cat "$PID_FILE")"
    # James, and this working directory's James: another checkout's server is not ours to stop.
    if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] \
        && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qx "$MAIN_CLASS" \
        && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "-Dworking.directory=$WORKDIR"; then
        echo "$pid"
    fi
}

resolve_james() {
    if [[ -d "$LIB" ]] && compgen -G "$LIB/james-server-memory-app-*.jar" >/dev/null; then
        return
    fi
    say "resolving James 3.8.1 (memory app, ~120 MB, once) into $LIB"
    find_maven_jdk
    JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/james-server/pom.xml" package \
        || fail "could not resolve org.apache.james:james-server-memory-app (see the Maven output above)"
}

# conf/ from the james-conf/ files, with this run's ports and paths.
write_configuration() {
    local conf="$WORKDIR/conf"
    rm -rf "$conf" "$WORKDIR/extensions-jars"
    mkdir -p "$conf" "$WORKDIR/extensions-jars"
    local file
    for file in mailetcontainer.xml smtpserver.xml imapserver.xml domainlist.xml dnsservice.xml \
        usersrepository.xml webadmin.properties jmap.properties jmx.properties logback.xml; do
        sed -e "s#<bind>127.0.0.1:2525</bind>#<bind>127.0.0.1:$SMTP_PORT</bind>#" \
            -e "s#<bind>127.0.0.1:1143</bind>#<bind>127.0.0.1:$IMAP_PORT</bind>#" \
            -e "s#^port=8000\$#port=$WEBADMIN_PORT#" \
            -e "s#<gatewayPort>2526</gatewayPort>#<gatewayPort>$GATEWAY_PORT</gatewayPort>#" \
            -e "s#<tracking_domain>127.0.0.1:8080</tracking_domain>#<tracking_domain>127.0.0.1:$TRACKER_PORT</tracking_domain>#" \
            -e "s#<smtpapi_tracking_domain>localhost:8080</smtpapi_tracking_domain>#<smtpapi_tracking_domain>localhost:$TRACKER_PORT</smtpapi_tracking_domain>#" \
            -e "s#<cassandra_contact_points>127.0.0.1:9042</cassandra_contact_points>#<cassandra_contact_points>127.0.0.1:$CASSANDRA_PORT</cassandra_contact_points>#" \
            "$ROOT/james-conf/$file" >"$conf/$file"
    done
    if [[ -n "$MAILET_JAR" ]]; then
        [[ -f "$MAILET_JAR" ]] || fail "mailet jar $MAILET_JAR not found"
        [[ -n "$KEY_FILE" && -f "$KEY_FILE" ]] || fail "JAMES_KEY_FILE must name the signing-key file"
        cp "$MAILET_JAR" "$WORKDIR/extensions-jars/"
        cp "$KEY_FILE" "$conf/smtpapi-keys.properties"
        chmod 600 "$conf/smtpapi-keys.properties"
    else
        # No mailet: drop the EngagementTracking entries (each runs from its <mailet ...> line to </mailet>).
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
        [[ "$status" == 204 ]] || fail "webadmin refused to create $user@$DOMAIN (HTTP $status)"
    done
}

# Where the running James listens, as recorded when it started.
endpoints() {
    cat "$ENDPOINTS_FILE" 2>/dev/null || echo "SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT"
}

start() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        say "already running (PID $pid), $(endpoints)"
        return
    fi
    local port
    for port in "$SMTP_PORT" "$IMAP_PORT" "$WEBADMIN_PORT"; do
        ! port_in_use "$port" || fail "port $port on 127.0.0.1 is taken by another process"
    done
    resolve_james
    mkdir -p "$WORKDIR"
    write_configuration
    local java
    java="$(find_java)"
    say "starting James 3.8.1 with $java (log: $LOG)"
    (
        cd "$WORKDIR"
        exec setsid "$java" -Xms128m "-Xmx$HEAP" -XX:+UseSerialGC -Xss512k \
            -Djava.net.preferIPv4Stack=true \
            "-Dworking.directory=$WORKDIR" \
            "-Dlogback.configurationFile=$WORKDIR/conf/logback.xml" \
            -cp "$LIB/*" "$MAIN_CLASS" </dev/null >"$LOG" 2>&1
    ) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    local waited=0
    until smtp_greets && webadmin_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            tail -n 40 "$LOG" >&2 || true
            fail "James exited during start-up (log: $LOG)"
        fi
        if ((waited >= START_TIMEOUT)); then
            tail -n 40 "$LOG" >&2 || true
            fail "James did not answer on SMTP $SMTP_PORT and webadmin $WEBADMIN_PORT within ${START_TIMEOUT}s (log: $LOG)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    create_users
    echo "SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT, webadmin http://127.0.0.1:$WEBADMIN_PORT" >"$ENDPOINTS_FILE"
    say "ready after ${waited}s: PID $pid, SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT," \
        "webadmin http://127.0.0.1:$WEBADMIN_PORT, users ${USERS[*]/%/@$DOMAIN} (password $PASSWORD)"
}

stop() {
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        rm -f "$PID_FILE"
        say "not running"
        return
    fi
    say "stopping James (PID $pid)"
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= 30)); then
            say "still running after 30s: killing PID $pid"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    say "stopped"
}

status() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        say "running: PID $pid, $(endpoints), log $LOG"
    else
        say "not running"
        return 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

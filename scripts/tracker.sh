#!/usr/bin/env bash
# The smtpapi tracker web app stand-alone (embedded Jetty 12), for development and the demo stack.
#
#   scripts/tracker.sh start|stop|status|run      (also: ./smtpapi tracker start|stop|status|run)
#
# start:  builds tracker-web when its stand-alone lib/ folder is missing, writes a default configuration when
#         none exists, starts dev.smtpapi.tracker.web.TrackerServer detached (setsid, PID file, log file),
#         waits until /healthz answers, then prints the URL and the log's path. A second start does nothing.
# stop:   SIGTERM by the PID file, after checking that the PID is the tracker; the tracker closes its
#         event log and stops (every answered event is already on disk). SIGKILL after $TRACKER_STOP_TIMEOUT seconds.
# status: running or not, and what /healthz says.
# run:    the same in the foreground (Ctrl-C stops it cleanly).
#
# Configuration: the properties file $SMTPAPI_TRACKER_CONFIG (default .smtpapi/tracker/tracker.properties,
# written on first start with the signing-key file .smtpapi/keys, a random api_key and the event log under
# .smtpapi/tracker/events), overridden by SMTPAPI_<OPTION> environment variables, e.g.
# SMTPAPI_LISTEN_PORT=8081 or SMTPAPI_CASSANDRA_CONTACT_POINTS=127.0.0.1:19042.
# Other settings: TRACKER_JAVA (java to run with; default: the JDK >= 21 that builds it, see scripts/lib/java.sh),
# TRACKER_HEAP (default 512m), TRACKER_STATE_DIR (default .smtpapi/tracker).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${TRACKER_STATE_DIR:-$ROOT/.smtpapi/tracker}"
CONFIG="${SMTPAPI_TRACKER_CONFIG:-$STATE_DIR/tracker.properties}"
PID_FILE="$STATE_DIR/tracker.pid"
LOG="$STATE_DIR/tracker.log"
LIB="$ROOT/tracker-web/target/tracker/lib"
MAIN_CLASS=dev.smtpapi.tracker.web.TrackerServer
HEAP="${TRACKER_HEAP:-512m}"
START_TIMEOUT="${TRACKER_START_TIMEOUT:-90}"
STOP_TIMEOUT="${TRACKER_STOP_TIMEOUT:-40}"

say() { echo "[tracker] $*"; }
fail() { echo "[tracker] ERROR: $*" >&2; exit 1; }

# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"

# The tracker runs on the JDK that builds it (21 or later) unless TRACKER_JAVA names another java.
find_java() {
  if [[ -n "${TRACKER_JAVA:-}" ]]; then
    echo "$TRACKER_JAVA"
  else
    find_maven_jdk
    echo "$MAVEN_JAVA_HOME/bin/java"
  fi
}

ensure_built() {
  if compgen -G "$LIB/smtpapi-tracker-web-*.jar" > /dev/null && compgen -G "$LIB/jetty-server-*.jar" > /dev/null; then
    return 0
  fi
  mkdir -p "$STATE_DIR"
  say "building tracker-web (log: $STATE_DIR/build.log)"
  find_maven_jdk
  if [[ ! -d "$HOME/.m2/repository/dev/smtpapi/smtpapi-core" ]]; then
    JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/pom.xml" -N install >> "$STATE_DIR/build.log" 2>&1
    JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/core/pom.xml" install -DskipTests >> "$STATE_DIR/build.log" 2>&1 \
      || fail "building core failed; see $STATE_DIR/build.log"
  fi
  JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/tracker-web/pom.xml" package -DskipTests > "$STATE_DIR/build.log" 2>&1 \
    || { tail -n 30 "$STATE_DIR/build.log" >&2; fail "building tracker-web failed; see $STATE_DIR/build.log"; }
}

# The value of option $1: environment override first, then the properties file, then $2.
option() {
  local name="$1" default="$2" env value=""
  env="SMTPAPI_$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  if [[ -n "${!env:-}" ]]; then
    echo "${!env}"
    return 0
  fi
  if [[ -f "$CONFIG" ]]; then
    value="$(sed -n "s/^[[:space:]]*$name[[:space:]]*[=:][[:space:]]*//p" "$CONFIG" | tail -n 1 | sed 's/[[:space:]]*$//')"
  fi
  echo "${value:-$default}"
}

ensure_config() {
  [[ -f "$CONFIG" ]] && return 0
  [[ -n "${SMTPAPI_TRACKER_CONFIG:-}" ]] && fail "SMTPAPI_TRACKER_CONFIG names $CONFIG, which does not exist"
  local keys="${SMTPAPI_SIGNING_KEYS_FILE:-$ROOT/.smtpapi/keys}"
  if [[ ! -f "$keys" ]]; then
    (cd "$ROOT" && ./smtpapi keygen "$keys") > /dev/null
  fi
  mkdir -p "$STATE_DIR"
  umask 077
  cat > "$CONFIG" <<CONF
# smtpapi tracker configuration, written by scripts/tracker.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ).
# Every option can be overridden by an environment variable SMTPAPI_<OPTION IN UPPER CASE>.
signing_keys_file=$keys
api_key=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
listen_address=127.0.0.1
listen_port=8080
cassandra_contact_points=127.0.0.1:9042
cassandra_keyspace=smtpapi
event_log_dir=$STATE_DIR/events
# trusted_proxies=127.0.0.1
CONF
  say "wrote a default configuration: $CONFIG"
}

base_url() {
  local host
  host="$(option listen_address 127.0.0.1)"
  [[ "$host" == "0.0.0.0" || "$host" == "::" ]] && host=127.0.0.1
  echo "http://$host:$(option listen_port 8080)"
}

tracker_pid() {  # the PID from the PID file, if that process is the tracker
  local pid
  [[ -f "$PID_FILE" ]] || return 0
  pid="$(cat "$PID_FILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS"; then
    echo "$pid"
  fi
}

health() {  # prints the HTTP status of /healthz and its body; empty when nothing answers
  curl -s -m 5 -o - -w ' %{http_code}' "$(base_url)/healthz" 2>/dev/null | tr -d '\n' || true
}

command_line() {
  printf '%s\n' "$(find_java)" "-Xmx$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    "-Dsmtpapi.tracker.config=$CONFIG" -cp "$LIB/*" "$MAIN_CLASS"
}

cmd_start() {
  local pid started answer
  pid="$(tracker_pid)"
  if [[ -n "$pid" ]]; then
    say "already running (pid $pid) at $(base_url); log: $LOG"
    return 0
  fi
  ensure_built
  ensure_config
  mkdir -p "$STATE_DIR"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  local -a command
  mapfile -t command < <(command_line)
  # Detached in its own session, so it outlives this shell; no stream stays tied to the terminal.
  setsid "${command[@]}" < /dev/null >> "$LOG" 2>&1 &
  pid=$!
  echo "$pid" > "$PID_FILE"
  started=$SECONDS
  while true; do
    answer="$(health)"
    if [[ "$answer" == *" 200" ]]; then
      break
    fi
    if [[ "$answer" == *" 503" ]]; then
      say "started, but Cassandra does not answer: clicks are served from cache and events wait in the event log"
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG" >&2
      fail "the tracker exited during start-up (log: $LOG)"
    fi
    if (( SECONDS - started >= START_TIMEOUT )); then
      tail -n 30 "$LOG" >&2
      fail "no answer on $(base_url)/healthz within ${START_TIMEOUT}s; it is still running (pid $pid): scripts/tracker.sh stop"
    fi
    sleep 0.5
  done
  say "running (pid $pid) after $((SECONDS - started))s"
  say "URL: $(base_url)   (health: $(base_url)/healthz, metrics: $(base_url)/metrics)"
  say "log: $LOG"
}

cmd_stop() {
  local pid waited=0
  pid="$(tracker_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  say "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= STOP_TIMEOUT * 2 )); then
      say "did not stop within ${STOP_TIMEOUT}s; sending SIGKILL (no answered event is lost: they are in the event log)"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  local pid answer
  pid="$(tracker_pid)"
  if [[ -z "$pid" ]]; then
    echo "Tracker: not running"
    return 3
  fi
  answer="$(health)"
  echo "Tracker: running (pid $pid) at $(base_url)"
  echo "  health: ${answer:-no answer}"
  echo "  log:    $LOG"
}

cmd_run() {
  ensure_built
  ensure_config
  local -a command
  mapfile -t command < <(command_line)
  say "running in the foreground at $(base_url) (Ctrl-C stops)"
  exec "${command[@]}"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  run) cmd_run ;;
  *) echo "Usage: scripts/tracker.sh start|stop|status|run" >&2; exit 2 ;;
esac

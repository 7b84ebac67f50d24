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

LOG_TAG=tracker
# shellcheck source=lib/process.sh
source "$ROOT/scripts/lib/process.sh"
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
      || die "building core failed; see $STATE_DIR/build.log"
  fi
  JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/tracker-web/pom.xml" package -DskipTests > "$STATE_DIR/build.log" 2>&1 \
    || { log_tail "$STATE_DIR/build.log" 30; die "building tracker-web failed; see $STATE_DIR/build.log"; }
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
  [[ -n "${SMTPAPI_TRACKER_CONFIG:-}" ]] && die "SMTPAPI_TRACKER_CONFIG names $CONFIG, which does not exist"
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

# The PID from the PID file, if that process is the tracker of this configuration file.
tracker_pid() {
  proc_pid "$PID_FILE" "$MAIN_CLASS" "-Dsmtpapi.tracker.config=$CONFIG"
}

health() {  # prints the HTTP status of /healthz and its body; empty when nothing answers
  curl -s -m 5 -o - -w ' %{http_code}' "$(base_url)/healthz" 2>/dev/null | tr -d '\n' || true
}

command_line() {
  printf '%s\n' "$(find_java)" "-Xmx$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    "-Dsmtpapi.tracker.config=$CONFIG" -cp "$LIB/*" "$MAIN_CLASS"
}

# True once /healthz answers 200, or 503 (up, but Cassandra does not answer: clicks are served from cache and
# events wait in the event log until it does).
tracker_answers() {
  local answer
  answer="$(health)"
  [[ "$answer" == *" 200" || "$answer" == *" 503" ]]
}

cmd_start() {
  local pid
  pid="$(tracker_pid)"
  if [[ -n "$pid" ]]; then
    say "the tracker is already running (pid $pid) at $(base_url); log: $LOG"
    return 0
  fi
  ensure_built
  ensure_config
  mkdir -p "$STATE_DIR"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  local -a command
  mapfile -t command < <(command_line)
  say "starting the tracker at $(base_url)"
  note "log: $LOG"
  proc_start "the tracker" "$PID_FILE" "$LOG" -- "${command[@]}"
  pid="$PROC_STARTED_PID"
  proc_await "the tracker ($(base_url)/healthz)" "$pid" "$LOG" "$START_TIMEOUT" tracker_answers
  if [[ "$(health)" == *" 503" ]]; then
    warn "the tracker runs, but Cassandra does not answer: clicks are served from cache and events wait in the event log"
  fi
  say "the tracker is ready after ${PROC_WAITED}s (pid $pid): $(base_url)"
  note "health: $(base_url)/healthz, metrics: $(base_url)/metrics"
}

cmd_stop() {
  # SIGTERM: the tracker stops cleanly; SIGKILL only after STOP_TIMEOUT (no answered event is lost even
  # then: they are in the event log).
  proc_stop "the tracker" "$PID_FILE" "$STOP_TIMEOUT" "$MAIN_CLASS" "-Dsmtpapi.tracker.config=$CONFIG"
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
  say "running the tracker in the foreground at $(base_url) (Ctrl-C stops)"
  exec "${command[@]}"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  run) cmd_run ;;
  *) echo "Usage: scripts/tracker.sh start|stop|status|run" >&2; exit 2 ;;
esac

# What the tracker benchmarks (tracker-load.sh, tracker-cpu.sh) share: their tools, the build, a stand-alone
# tracker of their own, the click paths they follow. Source it after setting ROOT; it only defines functions
# (and JAVA, from scripts/lib/java.sh).
#
#   bench_tools                               installs wrk and h2load with apt-get when missing
#   bench_build WORK                          builds tracker-web and its test classes; sets CP (their classpath)
#   bench_keys FILE                           writes a fresh signing-key file
#   bench_tracker_start DIR PORT KEYSPACE KEYS CASSANDRA [OPTION=VALUE...]
#                                             scripts/tracker.sh start with state, event log and configuration in
#                                             DIR; each OPTION=VALUE is a tracker option's SMTPAPI_* variable
#   bench_tracker_stop DIR                    stops that tracker
#   bench_paths CASSANDRA KEYSPACE KEYS PATHS LUA
#                                             1,000 messages x 10 links of tag storage; their click paths in PATHS
#                                             and a wrk script following them in turn in LUA
#   bench_metric PORT NAME                    a tracker counter or gauge from /metrics (the sum of its series)
#   bench_wait_stored PORT                    until the tracker's writer lag is 0 (at most 600 s)
#   bench_ticks PID                           CPU ticks (user + system) that process PID has used

# shellcheck source=../../scripts/lib/java.sh
source "$ROOT/scripts/lib/java.sh"
find_maven_jdk
JAVA="$MAVEN_JAVA_HOME/bin/java"

bench_tools() {
  local tool
  for tool in wrk:wrk h2load:nghttp2-client; do
    if ! command -v "${tool%%:*}" > /dev/null; then
      echo "[bench] installing ${tool#*:} (apt-get)"
      apt-get install -y -qq "${tool#*:}" > /dev/null \
        || { echo "[bench] ${tool%%:*} is missing: apt-get install -y ${tool#*:}" >&2; exit 1; }
    fi
  done
}

CP=""
bench_build() {
  local work="$1"
  mkdir -p "$work"
  echo "[bench] building tracker-web and its test classes (log: $work/build.log)"
  JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/tracker-web/pom.xml" package -DskipTests > "$work/build.log" 2>&1
  JAVA_HOME="$MAVEN_JAVA_HOME" mvn -B -q -f "$ROOT/tracker-web/pom.xml" dependency:build-classpath \
    -Dmdep.includeScope=test "-Dmdep.outputFile=$work/classpath.txt" >> "$work/build.log" 2>&1
  CP="$ROOT/tracker-web/target/test-classes:$ROOT/tracker-web/target/classes:$(cat "$work/classpath.txt")"
}

bench_keys() {
  printf '1 %s\n' "$(head -c 32 /dev/urandom | base64 -w 0 | tr '+/' '-_' | tr -d '=')" > "$1"
}

bench_tracker_start() {
  local dir="$1" port="$2" keyspace="$3" keys="$4" cassandra="$5"
  shift 5
  rm -rf "$dir/spool" "$dir/events"  # events left by an earlier run would blur the counts
  mkdir -p "$dir"
  printf 'signing_keys_file=%s\n' "$keys" > "$dir/tracker.properties"
  # Every click is an event here, however often a path repeats: hence the token cap of a million a minute.
  env TRACKER_STATE_DIR="$dir" SMTPAPI_TRACKER_CONFIG="$dir/tracker.properties" SMTPAPI_SIGNING_KEYS_FILE="$keys" \
    SMTPAPI_LISTEN_PORT="$port" SMTPAPI_CASSANDRA_KEYSPACE="$keyspace" SMTPAPI_CASSANDRA_CONTACT_POINTS="$cassandra" \
    SMTPAPI_EVENT_LOG_DIR="$dir/events" SMTPAPI_MAX_EVENTS_PER_TOKEN_PER_MINUTE=1000000 "$@" \
    bash "$ROOT/scripts/tracker.sh" start
}

bench_tracker_stop() {
  TRACKER_STATE_DIR="$1" bash "$ROOT/scripts/tracker.sh" stop > /dev/null 2>&1 || true
}

bench_paths() {
  local cassandra="$1" keyspace="$2" keys="$3" paths="$4" lua="$5"
  "$JAVA" -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.smtpapi.tracker.bench.ClickLoadData \
    "$cassandra" "$keyspace" "$keys" 1000 10 "$paths"
  cat > "$lua" <<LUA
local paths = {}
for line in io.lines("$paths") do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
}

bench_metric() {
  curl -s "http://127.0.0.1:$1/metrics" \
    | awk -v name="$2" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { printf "%d", sum }'
}

bench_wait_stored() {
  local _
  for _ in $(seq 1 600); do
    [[ "$(bench_metric "$1" smtpapi_tracker_events_lag)" == 0 ]] && return 0
    sleep 1
  done
}

bench_ticks() {
  local stat fields
  stat="$(cat "/proc/$1/stat")"
  read -r -a fields <<< "${stat##*) }"
  echo $((fields[11] + fields[12]))
}

# Cassandra 5.0 nodes run from the jars that cassandra/pom.xml resolves: one node for development and tests
# (./smtpapi cassandra, ./smtpapi test) or the nodes of a local cluster (scripts/cluster.sh). Source it after
# process.sh and java.sh, with ROOT set; it only defines functions and variables.
#
# A node is a directory (data, logs, pid file, its own cassandra.yaml) plus an address and ports. Choose one
# with cassandra_instance or cassandra_cluster_node, then call cassandra_start, cassandra_stop,
# cassandra_status or cassandra_kill9. Every node's cassandra.yaml is made from cassandra/cassandra.yaml
# with conf_fill, so a template that no longer has a value the script sets fails loudly.

CASSANDRA_VERSION="$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$ROOT/cassandra/pom.xml" | head -n 1)"
CASSANDRA_LIB="$ROOT/cassandra/target/lib"
CASSANDRA_MAIN=org.apache.cassandra.service.CassandraDaemon
CASSANDRA_START_TIMEOUT="${SMTPAPI_CASSANDRA_START_TIMEOUT:-120}"
CASSANDRA_STOP_TIMEOUT="${SMTPAPI_CASSANDRA_STOP_TIMEOUT:-60}"
# The datacenter of every node started here; the driver's cassandra_local_datacenter must name it.
CASSANDRA_DATACENTER=datacenter1

C_NAME="" C_DIR="" C_ADDR="" C_PORT="" C_STORAGE_PORT="" C_JMX_PORT="" C_SEEDS="" C_TOKEN="" C_HEAP=""

check_ports_range() {
  local p
  for p in "$@"; do
    [[ "$p" =~ ^[0-9]+$ && "$p" -ge 1024 && "$p" -le 65535 ]] \
      || die "Cassandra port $p is out of range (1024..65535); CQL $C_PORT, storage $C_STORAGE_PORT, JMX $C_JMX_PORT"
  done
}

# A single node that owns the whole ring: cassandra_instance DIR CQL_PORT [STORAGE_PORT] [JMX_PORT].
# Storage and JMX ports follow the CQL port unless given (9042 -> 7000 and 7199, as Cassandra's defaults).
cassandra_instance() {
  C_NAME=Cassandra C_DIR="$1" C_ADDR=127.0.0.1 C_PORT="$2" C_SEEDS=127.0.0.1 C_TOKEN=""
  C_STORAGE_PORT="${3:-$((C_PORT - 2042))}"
  C_JMX_PORT="${4:-$((C_PORT - 1843))}"
  C_HEAP="${SMTPAPI_CASSANDRA_HEAP:-1G}"
  check_ports_range "$C_PORT" "$C_STORAGE_PORT" "$C_JMX_PORT"
}

# Node N (1..3) of a three-node cluster: cassandra_cluster_node DIR N CQL_PORT STORAGE_PORT JMX_BASE HEAP.
# Node N listens on 127.0.0.N, on the same CQL and storage ports as its peers (each on its own address);
# JMX, which Cassandra binds to 127.0.0.1 whatever the node's address, is on JMX_BASE + N - 1. Node 1 is
# the seed. Tokens are spread evenly, one per node, so the ring is balanced without bootstrapping.
cassandra_cluster_node() {
  local n="$2"
  [[ "$n" =~ ^[1-3]$ ]] || die "a cluster node is 1, 2 or 3, not '$n'"
  C_NAME="Cassandra node $n" C_DIR="$1/node$n" C_ADDR="127.0.0.$n" C_PORT="$3" C_STORAGE_PORT="$4"
  C_JMX_PORT="$(($5 + n - 1))" C_HEAP="$6" C_SEEDS=127.0.0.1
  # Murmur3 tokens at -2^63 + (n - 1) * 2^64 / 3.
  local tokens=(-9223372036854775808 -3074457345618258603 3074457345618258602)
  C_TOKEN="${tokens[n - 1]}"
  check_ports_range "$C_PORT" "$C_STORAGE_PORT" "$C_JMX_PORT"
}

c_pid_file() { printf '%s/cassandra.pid' "$C_DIR"; }
c_port_file() { printf '%s/cassandra.port' "$C_DIR"; }
c_log() { printf '%s/logs/cassandra.log' "$C_DIR"; }
c_markers() { printf '%s\n' "$CASSANDRA_MAIN" "-Dcassandra.storagedir=$C_DIR"; }

# The PID of this node's CassandraDaemon if it runs, else nothing.
cassandra_pid() {
  local -a markers
  mapfile -t markers < <(c_markers)
  proc_pid "$(c_pid_file)" "${markers[@]}"
}

# True when something accepts TCP connections on $1:$2.
address_port_in_use() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# True when a CQL server answers a native-protocol OPTIONS request on $1:$2 with SUPPORTED.
# The frame is protocol v4: version 0x04, flags 0, stream 1, opcode OPTIONS (0x05), body length 0.
cql_answers() {
  local address="$1" port="$2" reply
  reply="$(timeout 3 bash -c '
      exec 3<>"/dev/tcp/$0/$1" || exit 1
      printf "\x04\x00\x00\x01\x05\x00\x00\x00\x00" >&3
      head -c 5 <&3 | od -An -tx1' "$address" "$port" 2>/dev/null || true)"
  # Response header: version 0x84, flags, stream 0x0001, opcode SUPPORTED (0x06).
  [[ "${reply//[[:space:]]/}" == 8400000106 ]]
}
c_cql_answers() { cql_answers "$C_ADDR" "$C_PORT"; }

ensure_cassandra_runtime() {
  if [[ -f "$CASSANDRA_LIB/cassandra-all-$CASSANDRA_VERSION.jar" ]] && compgen -G "$CASSANDRA_LIB/jamm-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "'mvn' (Apache Maven) is not on the PATH. fix: apt-get install maven"
  local log="$ROOT/.smtpapi/logs/cassandra-resolve.log" java_home
  # Resolving needs no compiler; any Java that runs Maven will do.
  if [[ -n "$MAVEN_JAVA_HOME" ]]; then java_home="$MAVEN_JAVA_HOME"; else find_java17; java_home="$(dirname "$(dirname "$JAVA17")")"; fi
  mkdir -p "$(dirname "$log")"
  say "resolving Cassandra $CASSANDRA_VERSION from Maven Central (first run, about 70 MB)..."
  note "log: $log"
  if ! JAVA_HOME="$java_home" mvn -B -Dstyle.color=never -f "$ROOT/cassandra/pom.xml" package > "$log" 2>&1; then
    log_tail "$log" 30
    die "could not resolve org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION (see $log)"
  fi
  note "$(find "$CASSANDRA_LIB" -name '*.jar' | wc -l) jars, $(du -sh "$CASSANDRA_LIB" | cut -f1) in cassandra/target/lib"
}

# This node's cassandra.yaml (and, for a cluster node, its cassandra-rackdc.properties) in $C_DIR.
cassandra_write_config() {
  local -a fills=(
    "listen_address: 127.0.0.1" "listen_address: $C_ADDR"
    "rpc_address: 127.0.0.1" "rpc_address: $C_ADDR"
    '- seeds: "127.0.0.1"' "- seeds: \"$C_SEEDS\""
  )
  if [[ -n "$C_TOKEN" ]]; then
    # A cluster node: hints kept for a peer that is down and replayed when it is back; the snitch knows
    # datacenter and rack from cassandra-rackdc.properties and always prefers the node itself as a replica.
    fills+=(
      "cluster_name: smtpapi-local" "cluster_name: smtpapi-cluster"
      "initial_token: 0" "initial_token: $C_TOKEN"
      "hinted_handoff_enabled: false" "hinted_handoff_enabled: true"$'\n'"max_hint_window: 3h"
      "endpoint_snitch: SimpleSnitch" "endpoint_snitch: GossipingPropertyFileSnitch"$'\n'"dynamic_snitch: false"
    )
    printf 'dc=%s\nrack=rack1\n' "$CASSANDRA_DATACENTER" > "$C_DIR/cassandra-rackdc.properties"
  fi
  conf_fill "$ROOT/cassandra/cassandra.yaml" "$C_DIR/cassandra.yaml" "${fills[@]}"
}

# The JVM command line of this node, one argument per line.
cassandra_command() {
  local jamm
  jamm="$(compgen -G "$CASSANDRA_LIB/jamm-*.jar" | head -n 1)"
  printf '%s\n' "$JAVA17"
  grep -E '^-' "$ROOT/cassandra/jvm17-server.options" | sed 's/[[:space:]]*$//'
  printf '%s\n' \
    -Xms256m "-Xmx$C_HEAP" \
    "-XX:HeapDumpPath=$C_DIR/logs" \
    "-javaagent:$jamm" \
    -Dcassandra-foreground=yes \
    "-Dcassandra.config=file://$C_DIR/cassandra.yaml" \
    "-Dlogback.configurationFile=file://$ROOT/cassandra/logback.xml" \
    "-Dcassandra.storagedir=$C_DIR" \
    "-Dcassandra.logdir=$C_DIR/logs" \
    "-Dcassandra.triggers_dir=$C_DIR/triggers" \
    "-Dcassandra.native_transport_port=$C_PORT" \
    "-Dcassandra.storage_port=$C_STORAGE_PORT" \
    "-Dcassandra.jmx.local.port=$C_JMX_PORT" \
    -cp "$CASSANDRA_LIB/*"
  if [[ -n "$C_TOKEN" ]]; then
    # A node that starts again must hear from its peers before it rejoins (the gossip shadow round): it
    # waits up to the ring delay for them, which the single node's options set to 0 (later -D wins).
    printf '%s\n' "-Dcassandra-rackdc.properties=file://$C_DIR/cassandra-rackdc.properties" \
      -Dcassandra.ring_delay_ms=30000
  fi
  printf '%s\n' "$CASSANDRA_MAIN"
}

# Starts the node detached, without waiting (cassandra_await waits): several nodes can start at once.
# Sets C_STARTED_PID, or leaves it empty when the node already runs.
C_STARTED_PID=""
cassandra_launch() {
  local pid
  C_STARTED_PID=""
  pid="$(cassandra_pid)"
  if [[ -n "$pid" ]]; then
    local running_port
    running_port="$(cat "$(c_port_file)" 2>/dev/null || true)"
    if [[ -n "$running_port" && "$running_port" != "$C_PORT" ]]; then
      die "$C_NAME of $C_DIR already runs with CQL on port $running_port (pid $pid), not $C_PORT; stop it first"
    fi
    say "$C_NAME is already running (pid $pid, CQL on $C_ADDR:$C_PORT, log $(c_log))"
    return 0
  fi
  find_java17
  ensure_cassandra_runtime
  local p
  for p in "$C_PORT" "$C_STORAGE_PORT"; do
    if address_port_in_use "$C_ADDR" "$p"; then
      die "port $p on $C_ADDR is taken by another process, so $C_NAME (CQL $C_PORT, storage $C_STORAGE_PORT, JMX $C_JMX_PORT) cannot start.
  Is another Cassandra running (another clone, or one not started by ./smtpapi)? Stop it, or pick other ports (see ./smtpapi help)."
    fi
  done
  if port_in_use "$C_JMX_PORT"; then
    die "JMX port $C_JMX_PORT on 127.0.0.1 is taken by another process, so $C_NAME cannot start; pick other ports (see ./smtpapi help)"
  fi
  mkdir -p "$C_DIR/logs" "$C_DIR/triggers"
  cassandra_write_config
  local log
  log="$(c_log)"
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  local -a command
  mapfile -t command < <(cassandra_command)
  say "starting $C_NAME ($CASSANDRA_VERSION, Java $(java_major "$(dirname "$(dirname "$JAVA17")")"), CQL $C_ADDR:$C_PORT, storage $C_STORAGE_PORT, JMX $C_JMX_PORT, heap $C_HEAP)"
  note "data: $C_DIR"
  note "log:  $log"
  proc_start "$C_NAME" "$(c_pid_file)" "$log" -- "${command[@]}"
  C_STARTED_PID="$PROC_STARTED_PID"
  echo "$C_PORT" > "$(c_port_file)"
}

# Waits until this node answers CQL; dies with its log's tail when it exits or the timeout passes.
cassandra_await() {
  local pid
  pid="$(cassandra_pid)"
  [[ -n "$pid" ]] || { log_tail "$(c_log)"; die "$C_NAME is not running (log: $(c_log))"; }
  proc_await "$C_NAME (CQL $C_ADDR:$C_PORT)" "$pid" "$(c_log)" "$CASSANDRA_START_TIMEOUT" c_cql_answers
  say "$C_NAME is ready: CQL answers on $C_ADDR:$C_PORT after ${PROC_WAITED}s (pid $pid)"
}

cassandra_start() {
  cassandra_launch
  cassandra_await
}

cassandra_stop() {
  local -a markers
  mapfile -t markers < <(c_markers)
  proc_stop "$C_NAME ($C_ADDR:$C_PORT)" "$(c_pid_file)" "$CASSANDRA_STOP_TIMEOUT" "${markers[@]}"
  rm -f "$(c_port_file)"
}

cassandra_kill9() {
  local -a markers
  mapfile -t markers < <(c_markers)
  proc_kill9 "$C_NAME ($C_ADDR:$C_PORT)" "$(c_pid_file)" "${markers[@]}"
}

cassandra_status() {
  local pid
  pid="$(cassandra_pid)"
  if [[ -z "$pid" ]]; then
    echo "$C_NAME: not running (CQL $C_ADDR:$C_PORT, data $C_DIR)"
    return 3
  fi
  C_PORT="$(cat "$(c_port_file)" 2>/dev/null || echo "$C_PORT")"
  if c_cql_answers; then
    echo "$C_NAME: running, CQL answers on $C_ADDR:$C_PORT (pid $pid)"
  else
    echo "$C_NAME: running but CQL does not answer on $C_ADDR:$C_PORT (pid $pid; starting, or stuck)"
  fi
  echo "  data: $C_DIR"
  echo "  log:  $(c_log)"
}

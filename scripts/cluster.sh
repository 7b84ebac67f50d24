#!/usr/bin/env bash
# A three-node Cassandra 5.0 cluster on this machine: nodes on 127.0.0.1, 127.0.0.2 and 127.0.0.3, one
# datacenter (datacenter1), hinted handoff on. `SMTPAPI_CASSANDRA_NODES=3 ./smtpapi up` and
# `./smtpapi test-cluster` use it; it can also run alone:
#
#   scripts/cluster.sh start          starts the three nodes (node 1, the seed, first), showing each one's progress
#   scripts/cluster.sh stop           stops every node by its PID (SIGTERM, then SIGKILL)
#   scripts/cluster.sh status         what runs
#   scripts/cluster.sh start-node N   starts node N (1..3) again, e.g. after kill-node, and waits for its CQL
#   scripts/cluster.sh stop-node N    stops node N cleanly
#   scripts/cluster.sh kill-node N    kills node N with SIGKILL, as a crash would (failure tests)
#   scripts/cluster.sh contact-points prints the driver's contact points, comma separated
#
# Settings (environment; `start` records them in $SMTPAPI_CLUSTER_DIR/cluster.env, which every later command
# reads, so stop and kill-node need no settings of their own):
#   SMTPAPI_CLUSTER_DIR             data, logs and PID files, one folder per node   .smtpapi/cluster
#   SMTPAPI_CASSANDRA_PORT          CQL port of every node (each on its address)    9142
#   SMTPAPI_CASSANDRA_STORAGE_PORT  inter-node port of every node                   CQL port - 2042 (7100)
#   SMTPAPI_CASSANDRA_JMX_PORT      JMX port of node 1; nodes 2 and 3 take the next CQL port - 1843 (7299..7301)
#   SMTPAPI_CLUSTER_HEAP            maximum heap of each node                       768m
# The defaults stay clear of a single node on 127.0.0.1:9042 (storage 7000, JMX 7199).
#
# Heaps: three nodes of 768m, James (512m) and two trackers (512m each) are about 4.3 GB of heap and 6 GB
# resident, a quarter of a 24 GiB machine; on 2 cores the nodes start one after the other in about a minute.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=cluster
# shellcheck source=lib/process.sh
source "$ROOT/scripts/lib/process.sh"
# shellcheck source=lib/java.sh
source "$ROOT/scripts/lib/java.sh"
# shellcheck source=lib/cassandra.sh
source "$ROOT/scripts/lib/cassandra.sh"

# Three nodes on two busy cores start slower than one: five minutes each before giving up.
CASSANDRA_START_TIMEOUT="${SMTPAPI_CASSANDRA_START_TIMEOUT:-300}"
CLUSTER_DIR="${SMTPAPI_CLUSTER_DIR:-$ROOT/.smtpapi/cluster}"
CLUSTER_ENV="$CLUSTER_DIR/cluster.env"
NODES=(1 2 3)

settings() {
  if [[ -f "$CLUSTER_ENV" && "${1:-}" != fresh ]]; then
    # shellcheck disable=SC1090
    source "$CLUSTER_ENV"
  else
    CQL_PORT="${SMTPAPI_CASSANDRA_PORT:-9142}"
    STORAGE_PORT="${SMTPAPI_CASSANDRA_STORAGE_PORT:-$((CQL_PORT - 2042))}"
    JMX_BASE="${SMTPAPI_CASSANDRA_JMX_PORT:-$((CQL_PORT - 1843))}"
    HEAP="${SMTPAPI_CLUSTER_HEAP:-768m}"
  fi
}

node() { cassandra_cluster_node "$CLUSTER_DIR" "$1" "$CQL_PORT" "$STORAGE_PORT" "$JMX_BASE" "$HEAP"; }

contact_points() {
  local n points=()
  for n in "${NODES[@]}"; do points+=("127.0.0.$n:$CQL_PORT"); done
  (IFS=,; echo "${points[*]}")
}

any_running() {
  local n
  for n in "${NODES[@]}"; do
    node "$n"
    [[ -n "$(cassandra_pid)" ]] && return 0
  done
  return 1
}

cmd_start() {
  # The settings of a cluster still (partly) running; this command's own for a new one.
  settings
  any_running || settings fresh
  mkdir -p "$CLUSTER_DIR"
  printf 'CQL_PORT=%s\nSTORAGE_PORT=%s\nJMX_BASE=%s\nHEAP=%s\n' "$CQL_PORT" "$STORAGE_PORT" "$JMX_BASE" "$HEAP" \
    > "$CLUSTER_ENV"
  say "starting a three-node Cassandra cluster (datacenter $CASSANDRA_DATACENTER; CQL port $CQL_PORT on" \
    "127.0.0.1, .2 and .3; data in $CLUSTER_DIR)"
  local started=$SECONDS n
  # One node at a time: each joins the ring the ones before it formed, and two cores start one node at a time
  # about as fast as three at once.
  for n in "${NODES[@]}"; do
    node "$n"
    say "node $n of 3"
    cassandra_launch
    cassandra_await
  done
  say "the cluster is up after $((SECONDS - started))s: contact points $(contact_points)"
}

cmd_stop() {
  settings
  local n
  # In reverse order, so node 1, the seed, is the last to go.
  for n in 3 2 1; do
    node "$n"
    cassandra_stop
  done
}

cmd_status() {
  settings
  local n status=3
  for n in "${NODES[@]}"; do
    node "$n"
    cassandra_status && status=0
  done
  return "$status"
}

node_argument() {
  [[ "${1:-}" =~ ^[1-3]$ ]] || die "expected a node number 1, 2 or 3, got '${1:-}'"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  start-node) node_argument "${2:-}"; settings; node "$2"; cassandra_start ;;
  stop-node) node_argument "${2:-}"; settings; node "$2"; cassandra_stop ;;
  kill-node) node_argument "${2:-}"; settings; node "$2"; cassandra_kill9 ;;
  contact-points) settings; contact_points ;;
  *) echo "usage: scripts/cluster.sh start|stop|status|start-node N|stop-node N|kill-node N|contact-points" >&2; exit 2 ;;
esac

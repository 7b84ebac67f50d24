# Background processes and messages: shared by ./smtpapi and scripts/*.sh, so that every part of the stack is
# started, recognised, awaited and stopped the same way, and every script speaks in the same style.
# Source it; it only defines functions. Set LOG_TAG (e.g. "james") before using die/warn.
#
# Messages (one style everywhere):
#   say TEXT...        "==> TEXT" on stdout: a step
#   note TEXT...       "    TEXT" on stdout: a detail of the step before
#   warn TEXT...       "TAG: warning: TEXT" on stderr
#   die TEXT...        "TAG: TEXT" on stderr, exit 1
#
# Processes (a process is "ours" only when its command line has every marker as one exact argument, e.g. its
# main class and its working directory: a PID file left behind, whose PID now belongs to another program or to
# another checkout's server, is never trusted):
#   proc_pid PID_FILE MARKER...             prints the PID in PID_FILE if that process is alive and ours
#   proc_start NAME PID_FILE LOG [DIR] -- COMMAND...
#                                           starts COMMAND detached (setsid, in DIR if given, stdin from
#                                           /dev/null, stdout and stderr appended to LOG), writes PID_FILE,
#                                           sets PROC_STARTED_PID
#   proc_await NAME PID LOG TIMEOUT PROBE...
#                                           polls the command PROBE... every half second until it succeeds;
#                                           dies with the last lines of LOG when the process exits first or
#                                           TIMEOUT seconds pass; sets PROC_WAITED to the seconds it took
#   proc_stop NAME PID_FILE TIMEOUT MARKER...
#                                           SIGTERM, then SIGKILL when some thread of it still runs after
#                                           TIMEOUT seconds; returns once none runs (proc_exited); removes PID_FILE
#   proc_kill9 NAME PID_FILE MARKER...      SIGKILL at once (failure tests), returns once no thread of it runs;
#                                           removes PID_FILE
#   proc_exited PID                         true when no thread of process PID runs any more
#   log_tail LOG [LINES]                    the last lines of LOG on stderr, framed

LOG_TAG="${LOG_TAG:-smtpapi}"

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$LOG_TAG" "$*" >&2; }
die() { printf '%s: %s\n' "$LOG_TAG" "$*" >&2; exit 1; }

log_tail() {
  local log="$1" lines="${2:-40}"
  [[ -f "$log" ]] || return 0
  printf '\n--- last %s lines of %s ---\n' "$lines" "$log" >&2
  tail -n "$lines" "$log" >&2 || true
  printf -- '--- end of %s ---\n' "$log" >&2
}

# True when process $1 runs: some thread of it is not a zombie (see proc_exited). Not judged by its command
# line: that is empty for a zombie, but also for an instant while a process execs (the new program's memory is
# in place before its arguments are), and a start-up check that read it then took James, just started and
# healthy, for a process that had exited.
proc_alive() {
  [[ "$1" =~ ^[0-9]+$ && -d "/proc/$1" ]] && ! proc_exited "$1"
}

# True when process $1 is alive and its command line has each of the remaining arguments as an exact argument.
proc_is_ours() {
  local pid="$1" marker args
  shift
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  args="$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ -n "$args" ]] || return 1  # a zombie has an empty command line
  for marker in "$@"; do
    grep -qxF -- "$marker" <<< "$args" || return 1
  done
}

# True when no thread of process $1 runs any more: it is gone, or a zombie waiting to be reaped. A process
# whose first thread has exited is not yet gone: while a JVM's last threads unmap its heap (a fifth of a second
# for 2 GB here), its first thread is a zombie with an empty command line, yet the process still holds its
# files (a lock, the event log), its sockets and its ports.
proc_exited() {
  local pid="$1" stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  for stat in /proc/"$pid"/task/*/stat; do
    stat="$(cat "$stat" 2>/dev/null)" || continue
    stat="${stat##*) }"
    [[ "${stat:0:1}" == [ZX] ]] || return 1
  done
  return 0
}

# Waits until process $1 has exited (proc_exited) after a SIGKILL, at most 20 seconds; warns when it is still there.
proc_await_exit() {
  local pid="$1" name="$2" waited=0
  while ! proc_exited "$pid"; do
    if (( waited++ >= 200 )); then
      warn "$name (pid $pid) still has running threads 20s after its main thread ended"
      return 0
    fi
    sleep 0.1
  done
}

proc_pid() {
  local pid_file="$1" pid
  shift
  [[ -f "$pid_file" ]] || return 0
  pid="$(tr -dc '0-9' < "$pid_file")"
  if proc_is_ours "$pid" "$@"; then
    printf '%s' "$pid"
  fi
}

PROC_STARTED_PID=""
proc_start() {
  local name="$1" pid_file="$2" log="$3" dir=""
  shift 3
  if [[ "${1:-}" != -- ]]; then dir="$1"; shift; fi
  [[ "${1:-}" == -- ]] || die "proc_start $name: expected -- before the command"
  shift
  mkdir -p "$(dirname "$pid_file")" "$(dirname "$log")"
  { printf '# %s: started %s with:\n#' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name"; printf ' %q' "$@"; printf '\n'; } >> "$log"
  # Its own session, so it outlives this shell and a Ctrl-C here; no stream stays tied to the terminal. Nor
  # does fd 9, on which ./smtpapi test holds its lock: a server it started would otherwise hold that lock for as
  # long as it runs, and the next test command would find it taken.
  if [[ -n "$dir" ]]; then
    (cd "$dir" && exec setsid "$@" < /dev/null >> "$log" 2>&1 9>&-) &
  else
    setsid "$@" < /dev/null >> "$log" 2>&1 9>&- &
  fi
  PROC_STARTED_PID=$!
  echo "$PROC_STARTED_PID" > "$pid_file"
}

PROC_WAITED=0
proc_await() {
  local name="$1" pid="$2" log="$3" timeout="$4" started=$SECONDS
  shift 4
  until "$@"; do
    if ! proc_alive "$pid"; then
      log_tail "$log"
      die "$name (pid $pid) exited during start-up (log: $log)"
    fi
    if (( SECONDS - started >= timeout )); then
      log_tail "$log"
      die "$name (pid $pid) was not ready within ${timeout}s and is still running (log: $log)"
    fi
    sleep 0.5
  done
  PROC_WAITED=$((SECONDS - started))
}

proc_stop() {
  local name="$1" pid_file="$2" timeout="$3" pid waited=0
  shift 3
  pid="$(proc_pid "$pid_file" "$@")"
  if [[ -z "$pid" ]]; then
    rm -f "$pid_file"
    say "$name is not running"
    return 0
  fi
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  # Known to be ours above: from here on, whether it has stopped is a question about its threads only.
  while ! proc_exited "$pid"; do
    if (( waited >= timeout * 2 )); then
      warn "$name (pid $pid) did not stop within ${timeout}s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      proc_await_exit "$pid" "$name"
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  note "$name stopped after $((waited / 2))s"
}

proc_kill9() {
  local name="$1" pid_file="$2" pid
  shift 2
  pid="$(proc_pid "$pid_file" "$@")"
  [[ -n "$pid" ]] || die "$name is not running, so it cannot be killed"
  say "killing $name with SIGKILL (pid $pid)"
  kill -KILL "$pid"
  proc_await_exit "$pid" "$name"
  rm -f "$pid_file"
}

# Fills a template: conf_fill SOURCE TARGET FROM TO [FROM TO...]. Every FROM is a literal string (no regular
# expression) that must occur in SOURCE: a template that changed under the script fails here, naming the
# string, instead of silently keeping the old port or path. Every occurrence of FROM is replaced.
conf_fill() {
  local source="$1" target="$2" content from to
  shift 2
  (( $# % 2 == 0 )) || die "conf_fill $source: FROM without TO"
  content="$(cat "$source")" || die "cannot read $source"
  while (( $# )); do
    from="$1" to="$2"
    shift 2
    [[ "$content" == *"$from"* ]] \
      || die "$source no longer contains '$from', so it cannot be set to '$to'; update the script that fills it"
    content="${content//"$from"/"$to"}"
  done
  printf '%s\n' "$content" > "$target"
}

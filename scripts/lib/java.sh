# Finding the JDKs and probing ports: shared by ./smtpapi, scripts/*.sh and benchmarks/tracker-load.sh, so
# that every one of them picks the same Java by the same rules and fails with the same clear message.
# Source it; it only defines functions and variables.
#
#   find_maven_jdk   sets MAVEN_JAVA_HOME to a JDK >= 21 (JAVA_HOME if suitable, else Temurin 25, else the
#                    newest JDK >= 21 under $JVM_DIR): the build reads James 3.9's Java 21 class files
#   find_java17      sets JAVA17 to a java binary of version 11 or 17 (CASSANDRA_JAVA_HOME, else OpenJDK 17)
#   port_in_use P    true when something accepts connections on 127.0.0.1:P
#
# SMTPAPI_JVM_DIR (default /usr/lib/jvm) is where JDKs are looked for.

JVM_DIR="${SMTPAPI_JVM_DIR:-/usr/lib/jvm}"

java_lib_die() { printf 'smtpapi: %s\n' "$*" >&2; exit 1; }
java_lib_warn() { printf 'smtpapi: warning: %s\n' "$*" >&2; }

# Prints the major version of the JDK or JRE at $1 (17, 21, 25...), or nothing if it is not one.
java_major() {
  local home="$1" version=""
  [[ -x "$home/bin/java" ]] || return 0
  if [[ -f "$home/release" ]]; then
    version="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
  fi
  if [[ -z "$version" ]]; then
    version="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  fi
  version="${version#1.}"
  printf '%s' "${version%%[.+-]*}"
}

# Describes every JVM under $JVM_DIR, for error messages.
jvms_found() {
  local dir found=""
  for dir in "$JVM_DIR"/*; do
    [[ -d "$dir" ]] || continue
    found+="$(basename "$dir") ($(java_major "$dir" | sed 's/^$/not a JDK/')), "
  done
  found="${found%, }"
  printf '%s' "${found:-nothing}"
}

MAVEN_JAVA_HOME=""
# Sets MAVEN_JAVA_HOME to a JDK >= 21: JAVA_HOME if suitable, else Temurin 25, else any under $JVM_DIR.
find_maven_jdk() {
  [[ -n "$MAVEN_JAVA_HOME" ]] && return 0
  local tried="" major dir best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major="$(java_major "$JAVA_HOME")"
    if [[ -n "$major" && "$major" -ge 21 && -x "$JAVA_HOME/bin/javac" ]]; then
      MAVEN_JAVA_HOME="$JAVA_HOME"; return 0
    fi
    tried+="JAVA_HOME=$JAVA_HOME ($( [[ -n "$major" ]] && echo "Java $major" || echo "not a JDK")); "
  fi
  dir="$JVM_DIR/temurin-25-jdk-amd64"
  major="$(java_major "$dir")"
  if [[ -n "$major" && "$major" -ge 21 && -x "$dir/bin/javac" ]]; then
    MAVEN_JAVA_HOME="$dir"; return 0
  fi
  tried+="$dir ($( [[ -d "$dir" ]] && echo "Java ${major:-?}" || echo "missing")); "
  for dir in "$JVM_DIR"/*; do
    [[ -d "$dir" && -x "$dir/bin/javac" ]] || continue
    major="$(java_major "$dir")"
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best="$dir"; best_major="$major"
    fi
  done
  if [[ -n "$best" ]]; then MAVEN_JAVA_HOME="$best"; return 0; fi
  java_lib_die "no JDK 21 or later found for Maven (the build compiles against Java 21 class files).
  tried: ${tried}any JDK under $JVM_DIR
  found under $JVM_DIR: $(jvms_found)
  fix: install a JDK 21+ (e.g. Temurin 25 in $JVM_DIR/temurin-25-jdk-amd64) or set JAVA_HOME to one."
}

JAVA17=""
# Sets JAVA17 to the java binary of a Java 11 or 17: Cassandra 5.0 runs on nothing newer (Java 25 fails at
# start-up), and the demo's James 3.8.1 and SMTP sink use the same one. CASSANDRA_JAVA_HOME picks it.
find_java17() {
  [[ -n "$JAVA17" ]] && return 0
  local tried="" major dir
  suitable() { [[ "$1" == 17 || "$1" == 11 ]]; }
  if [[ -n "${CASSANDRA_JAVA_HOME:-}" ]]; then
    major="$(java_major "$CASSANDRA_JAVA_HOME")"
    if suitable "$major"; then JAVA17="$CASSANDRA_JAVA_HOME/bin/java"; return 0; fi
    java_lib_warn "CASSANDRA_JAVA_HOME=$CASSANDRA_JAVA_HOME is $( [[ -n "$major" ]] && echo "Java $major" || echo "not a Java"), Cassandra needs 11 or 17; looking elsewhere"
    tried+="CASSANDRA_JAVA_HOME=$CASSANDRA_JAVA_HOME ($( [[ -n "$major" ]] && echo "Java $major" || echo "not a Java")); "
  fi
  dir="$JVM_DIR/java-17-openjdk-amd64"
  major="$(java_major "$dir")"
  if suitable "$major"; then JAVA17="$dir/bin/java"; return 0; fi
  tried+="$dir ($( [[ -d "$dir" ]] && echo "Java ${major:-?}" || echo "missing")); "
  for want in 17 11; do
    for dir in "$JVM_DIR"/*; do
      [[ -d "$dir" ]] || continue
      if [[ "$(java_major "$dir")" == "$want" ]]; then JAVA17="$dir/bin/java"; return 0; fi
    done
  done
  java_lib_die "no Java 11 or 17 found (Cassandra 5.0 runs on nothing newer; the demo's James and SMTP sink use it too).
  tried: ${tried}any Java 17 or 11 under $JVM_DIR
  found under $JVM_DIR: $(jvms_found)
  fix: apt-get install openjdk-17-jre-headless, or set CASSANDRA_JAVA_HOME to a Java 11 or 17."
}

port_in_use() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }

#!/usr/bin/env bash
# Real services for tests and for trying the service with several instances: a PostgreSQL server
# (from Debian's packages) and a single-node Apache Kafka broker in KRaft mode (from the
# org.apache.kafka:kafka_2.13 jars on Maven Central). Both listen on 127.0.0.1 only, on ports of
# their own, so they don't clash with a PostgreSQL or Kafka already on the machine.
#
#   .ci/services.sh start  [postgres|kafka|all]   install what is missing, start, wait until ready
#   .ci/services.sh stop   [postgres|kafka|all]   stop cleanly (data is kept)
#   .ci/services.sh status [postgres|kafka|all]
#   .ci/services.sh check                         a topic, one record through it, one psql query
#   .ci/services.sh clean                         stop, then delete data and logs
#
# Settings (environment variables, defaults in brackets):
#   FME_PG_PORT [55432]  FME_PG_DB [fme_test]  FME_PG_USER [fme]  FME_PG_PASSWORD [fme]
#   FME_PG_DIR [/tmp/fme-bridge-pg-$FME_PG_PORT as root, else target/services/postgres]
#   FME_KAFKA_PORT [59092]  FME_KAFKA_CONTROLLER_PORT [59093]  FME_KAFKA_VERSION [3.9.1]
#   FME_KAFKA_HEAP [-Xms256m -Xmx512m]  FME_KAFKA_PARTITIONS [6, for topics created without a count]
#   FME_SERVICES_DIR [target/services]: Kafka's data and logs
#   MVN [mvn]: how Maven is run to fetch the Kafka jars (e.g. MVN="mvn -o" to stay offline)
#
# Tests reach them at jdbc:postgresql://127.0.0.1:55432/fme_test (fme/fme) and 127.0.0.1:59092.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${FME_SERVICES_DIR:-$ROOT/target/services}
MVN=${MVN:-mvn}

PG_PORT=${FME_PG_PORT:-55432}
PG_DB=${FME_PG_DB:-fme_test}
PG_USER=${FME_PG_USER:-fme}
PG_PASSWORD=${FME_PG_PASSWORD:-fme}
if [ "$(id -u)" = 0 ]; then
  # the server runs as the user postgres, which must reach its data directory: keep it out of
  # the checkout, whose parent folders may be closed to other users
  PG_DIR=${FME_PG_DIR:-/tmp/fme-bridge-pg-$PG_PORT}
else
  PG_DIR=${FME_PG_DIR:-$STATE/postgres}
fi

KAFKA_VERSION=${FME_KAFKA_VERSION:-3.9.1}
KAFKA_PORT=${FME_KAFKA_PORT:-59092}
KAFKA_CONTROLLER_PORT=${FME_KAFKA_CONTROLLER_PORT:-59093}
KAFKA_HEAP=${FME_KAFKA_HEAP:--Xms256m -Xmx512m}
KAFKA_PARTITIONS=${FME_KAFKA_PARTITIONS:-6}
KAFKA_LIBS=$ROOT/target/kafka/$KAFKA_VERSION/libs
KAFKA_HOME=$STATE/kafka

log() { echo "services: $*" >&2; }
die() { log "$*"; exit 1; }

# Seconds since start, for the timings printed at the end.
T0=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - T0) / 1000000 )) ms"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- PostgreSQL -------------------------------------------------------------------------------

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

pg_install() {
  if pg_bin >/dev/null; then
    return
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "PostgreSQL is not installed; as root: apt-get install -y postgresql"
    sudo="sudo"
  fi
  log "installing PostgreSQL from Debian's packages"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # The package may start its own cluster on 5432; this script runs its own instead.
  local ver
  ver=$(basename "$(dirname "$(pg_bin)")")
  if command -v pg_ctlcluster >/dev/null; then
    $sudo pg_ctlcluster "$ver" main stop 2>/dev/null || true
  fi
  log "installed PostgreSQL $ver ($(elapsed))"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_() { as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR" "$@"; }

pg_running() { [ -n "$(pg_bin)" ] && [ -f "$PG_DIR/PG_VERSION" ] && pg_ctl_ status >/dev/null 2>&1; }

psql_admin() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_start() {
  pg_install
  local bin
  bin=$(pg_bin)
  if ! [ -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    chmod 700 "$PG_DIR"
    as_postgres "$bin/initdb" -D "$PG_DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$PG_DIR/postgresql.conf" <<EOF

# set by .ci/services.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
shared_buffers = 128MB
EOF
  fi
  if pg_running; then
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT ($PG_DIR)"
  else
    pg_ctl_ -l "$PG_DIR/server.log" -w -t 60 start >/dev/null || { tail -n 30 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  psql_admin <<EOF
SELECT 'CREATE ROLE $PG_USER LOGIN PASSWORD ''$PG_PASSWORD''' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER')
\gexec
-- tests create a database of their own, e.g. one per end-to-end test class run on PostgreSQL
ALTER ROLE $PG_USER CREATEDB;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB')
\gexec
EOF
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready: jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB user $PG_USER ($(elapsed))"
}

pg_stop() {
  if pg_running; then
    pg_ctl_ -m fast -w -t 60 stop >/dev/null
    log "PostgreSQL stopped"
  else
    log "PostgreSQL not running"
  fi
}

pg_status() {
  if pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT ($PG_DIR)"; else echo "postgres: stopped"; fi
}

# --- Kafka ------------------------------------------------------------------------------------

kafka_fetch() {
  if [ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    return
  fi
  log "fetching org.apache.kafka:kafka_2.13:$KAFKA_VERSION and its dependencies through Maven"
  $MVN -B -q -f "$ROOT/src/test/kafka/pom.xml" dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS"
  log "fetched $(ls "$KAFKA_LIBS" | wc -l) jars ($(elapsed))"
}

# The first of the given classes found in the Kafka jars (tools moved between versions).
kafka_class() {
  local c jar
  for c in "$@"; do
    for jar in "$KAFKA_LIBS"/kafka*.jar; do
      # the JDK's jar tool: unzip is not on a fresh Debian machine
      if jar tf "$jar" 2>/dev/null | grep -qx "${c//.//}.class"; then
        echo "$c"
        return
      fi
    done
  done
  die "none of $* in $KAFKA_LIBS"
}

kafka_java() {
  java -Xmx256m -Dlog4j.configuration="file:$KAFKA_HOME/tools-log4j.properties" \
    -Dlog4j2.configurationFile="$KAFKA_HOME/tools-log4j2.properties" -cp "$KAFKA_LIBS/*" "$@"
}

kafka_pid() { [ -f "$KAFKA_HOME/kafka.pid" ] && cat "$KAFKA_HOME/kafka.pid"; }

kafka_running() {
  local pid
  pid=$(kafka_pid 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

kafka_configure() {
  mkdir -p "$KAFKA_HOME/data" "$KAFKA_HOME/logs"
  cat >"$KAFKA_HOME/server.properties" <<EOF
# written by .ci/services.sh: one node that is both broker and controller (KRaft, no ZooKeeper)
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_HOME/data
num.partitions=$KAFKA_PARTITIONS
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# topics are created on purpose, never by a typo
auto.create.topics.enable=false
EOF
  # Kafka 3.x logs through reload4j (log4j 1), Kafka 4.x through log4j 2: configure both.
  cat >"$KAFKA_HOME/log4j.properties" <<EOF
log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
  cat >"$KAFKA_HOME/log4j2.properties" <<EOF
appender.out.type=Console
appender.out.name=out
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=out
EOF
  printf 'log4j.rootLogger=WARN, err\nlog4j.appender.err=org.apache.log4j.ConsoleAppender\nlog4j.appender.err.Target=System.err\nlog4j.appender.err.layout=org.apache.log4j.PatternLayout\n' \
    >"$KAFKA_HOME/tools-log4j.properties"
  printf 'appender.err.type=Console\nappender.err.name=err\nappender.err.target=SYSTEM_ERR\nappender.err.layout.type=PatternLayout\nrootLogger.level=WARN\nrootLogger.appenderRef.err.ref=err\n' \
    >"$KAFKA_HOME/tools-log4j2.properties"
}

kafka_start() {
  kafka_fetch
  if kafka_running; then
    log "Kafka already running on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid))"
    return
  fi
  port_open "$KAFKA_PORT" && die "127.0.0.1:$KAFKA_PORT is taken by another program (FME_KAFKA_PORT)"
  kafka_configure
  local storage_tool
  storage_tool=$(kafka_class kafka.tools.StorageTool org.apache.kafka.tools.StorageTool)
  if ! [ -f "$KAFKA_HOME/data/meta.properties" ]; then
    local cluster_id # what `kafka-storage random-uuid` prints (16 random bytes, base64url), without a JVM start
    cluster_id=-
    while [ "${cluster_id:0:1}" = "-" ]; do # a leading '-' would be read as an option
      cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    done
    kafka_java "$storage_tool" format -t "$cluster_id" -c "$KAFKA_HOME/server.properties" >/dev/null
  fi
  # setsid: the broker outlives this script and is not hit by the terminal's Ctrl-C
  setsid java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_HOME/log4j.properties" -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" \
    -Dkafka.logs.dir="$KAFKA_HOME/logs" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_HOME/server.properties" \
    >"$KAFKA_HOME/logs/server.log" 2>&1 </dev/null &
  echo $! >"$KAFKA_HOME/kafka.pid"
  # ready: the port answers and the broker has said it started (the controller must elect itself first)
  local deadline=$(( $(date +%s) + 90 ))
  until port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$KAFKA_HOME/logs/server.log"; do
    if ! kafka_running; then
      tail -n 40 "$KAFKA_HOME/logs/server.log" >&2
      die "Kafka exited while starting"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 40 "$KAFKA_HOME/logs/server.log" >&2; die "Kafka not ready after 90 s"; }
    sleep 0.2
  done
  log "Kafka $KAFKA_VERSION ready: 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid), log $KAFKA_HOME/logs/server.log) ($(elapsed))"
}

kafka_stop() {
  if ! kafka_running; then
    log "Kafka not running"
    rm -f "$KAFKA_HOME/kafka.pid"
    return
  fi
  local pid i
  pid=$(kafka_pid)
  kill -TERM "$pid"
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "Kafka did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$KAFKA_HOME/kafka.pid"
  log "Kafka stopped ($(elapsed))"
}

kafka_status() {
  if kafka_running; then echo "kafka: running on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid))"; else echo "kafka: stopped"; fi
}

# --- both ---------------------------------------------------------------------------------------

check() {
  pg_running || die "PostgreSQL is not running"
  kafka_running || die "Kafka is not running"
  PGPASSWORD=$PG_PASSWORD psql -X -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -At \
    -c "SELECT 'postgres: ' || current_user || '@' || current_database() || ', ' || version()"
  kafka_java "$ROOT/src/test/kafka/KafkaCheck.java" "127.0.0.1:$KAFKA_PORT"
}

what=${2:-all}
case "$what" in postgres|kafka|all) ;; *) die "unknown service '$what' (postgres, kafka or all)";; esac
run() { # run <action>: for postgres, kafka, or both
  case "$what" in
    postgres) "pg_$1" ;;
    kafka) "kafka_$1" ;;
    all) "pg_$1"; "kafka_$1" ;;
  esac
}

case "${1:-}" in
  start) run start; log "started $what in $(elapsed)" ;;
  stop) run stop ;;
  status) run status ;;
  check) check; log "check passed ($(elapsed))" ;;
  clean)
    run stop
    case "$what" in postgres|all) rm -rf "$PG_DIR" ;; esac
    case "$what" in kafka|all) rm -rf "$KAFKA_HOME" ;; esac
    log "data removed" ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

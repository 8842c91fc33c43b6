#!/usr/bin/env bash
# A local two-instance cluster to try scaling out: PostgreSQL and a Kafka broker (.ci/services.sh),
# and two instances of the service sharing them (fme.store=postgres, fme.queue=kafka), on ports
# 8081 and 8082. Put a load balancer in front, or send to either; docs/scaling.md explains it.
#
#   .ci/cluster.sh start     build the jar if needed, start everything, print the addresses
#   .ci/cluster.sh stop      stop both instances, then PostgreSQL and Kafka (their data is kept)
#   .ci/cluster.sh status
#
# Settings (environment variables, defaults in brackets): FME_CLUSTER_PORTS ["8081 8082"],
# FME_ADMIN_TOKEN [generated once, kept in target/cluster/admin-token],
# FME_INTEGRATIONS_FILE [config/integrations.yml], MVN [mvn].
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=$ROOT/target/cluster
PORTS=${FME_CLUSTER_PORTS:-8081 8082}
MVN=${MVN:-mvn}
SCHEMA=fme_cluster
PG_URL="jdbc:postgresql://127.0.0.1:${FME_PG_PORT:-55432}/${FME_PG_DB:-fme_test}?currentSchema=$SCHEMA"

log() { echo "cluster: $*" >&2; }

# UP on /actuator/health, asked over bash's /dev/tcp (no curl needed)
healthy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /actuator/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 \
    && grep -q '"UP"' <&3) 2>/dev/null
}

jar() { ls target/fme-segment-bridge-*.jar 2>/dev/null | grep -v -- '-plain.jar' | head -1; }

start() {
  mkdir -p "$DIR"
  MVN="$MVN" bash .ci/services.sh start all
  if [ -z "$(jar)" ]; then
    log "building the service (mvn package, tests skipped)"
    $MVN -B -q package -DskipTests
  fi
  PGPASSWORD=${FME_PG_PASSWORD:-fme} psql -q -h 127.0.0.1 -p "${FME_PG_PORT:-55432}" -U "${FME_PG_USER:-fme}" \
    -d "${FME_PG_DB:-fme_test}" -c "CREATE SCHEMA IF NOT EXISTS $SCHEMA"
  local token=${FME_ADMIN_TOKEN:-}
  if [ -z "$token" ]; then
    [ -s "$DIR/admin-token" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$DIR/admin-token"
    token=$(cat "$DIR/admin-token")
  fi
  local name=0
  for port in $PORTS; do
    name=$((name + 1))
    if [ -f "$DIR/$port.pid" ] && kill -0 "$(cat "$DIR/$port.pid")" 2>/dev/null; then
      log "instance on $port is running already"
      continue
    fi
    # secrets through the environment, not the command line that ps shows
    FME_ADMINTOKEN="$token" SPRING_DATASOURCE_PASSWORD="${FME_PG_PASSWORD:-fme}" \
    java -Xmx512m -jar "$(jar)" --server.port="$port" --fme.data-dir="$DIR/data-$port" \
      --fme.integrations-file="${FME_INTEGRATIONS_FILE:-config/integrations.yml}" \
      --fme.store=postgres --spring.datasource.url="$PG_URL" --spring.datasource.username="${FME_PG_USER:-fme}" \
      --fme.queue=kafka --fme.kafka.brokers="127.0.0.1:${FME_KAFKA_PORT:-59092}" --fme.instance-id="instance-$name" \
      > "$DIR/$port.log" 2>&1 &
    echo $! > "$DIR/$port.pid"
  done
  for port in $PORTS; do
    for _ in $(seq 1 120); do
      if healthy "$port"; then break; fi
      kill -0 "$(cat "$DIR/$port.pid")" 2>/dev/null || { log "instance on $port exited; see $DIR/$port.log"; exit 1; }
      sleep 0.5
    done
    healthy "$port" || { log "instance on $port did not start; see $DIR/$port.log"; exit 1; }
    log "instance up: http://127.0.0.1:$port (log $DIR/$port.log)"
  done
  log "admin token: $token"
  log "try: curl -u dest-key-1: -H 'Content-Type: application/json' -d '{\"userId\":\"u1\",\"event\":\"buy\"}' http://127.0.0.1:8081/v1/track"
}

stop() {
  for port in $PORTS; do
    if [ -f "$DIR/$port.pid" ]; then
      local pid; pid=$(cat "$DIR/$port.pid")
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        log "stopped the instance on $port"
      fi
      rm -f "$DIR/$port.pid"
    fi
  done
  bash .ci/services.sh stop all
}

status() {
  for port in $PORTS; do
    if [ -f "$DIR/$port.pid" ] && kill -0 "$(cat "$DIR/$port.pid")" 2>/dev/null; then
      echo "instance $port: running (pid $(cat "$DIR/$port.pid"))"
    else
      echo "instance $port: stopped"
    fi
  done
  bash .ci/services.sh status all
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

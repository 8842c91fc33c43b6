#!/bin/sh
# Starts the service from the unpacked archive. Settings, routes and data may live elsewhere:
#   FME_CONFIG_DIR=/etc/fme FME_ROUTES_DIR=/srv/fme/routes FME_DATA_DIR=/var/lib/fme bin/start.sh
# JAVA_OPTS are passed to the JVM (e.g. -Xmx512m); other arguments to the service (--server.port=9090).
set -e
# The two -XX flags let Java's thread priorities reach Linux: the mapping behind the journal then runs
# at nice 19 and the requests are answered first (docs/decisions.md).
HERE=$(cd "$(dirname "$0")/.." && pwd)
CONFIG_DIR=${FME_CONFIG_DIR:-$HERE/config}
exec java -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 ${JAVA_OPTS:-} -jar "$HERE/lib/fme-segment-bridge.jar" \
  --spring.config.additional-location="file:$CONFIG_DIR/" \
  --fme.integrations-file="$CONFIG_DIR/integrations.yml" \
  --fme.routes-dir="${FME_ROUTES_DIR:-$HERE/routes}" \
  --fme.data-dir="${FME_DATA_DIR:-$HERE/data}" \
  "$@"

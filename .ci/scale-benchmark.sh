#!/usr/bin/env bash
# Measures the two-instance cluster (.ci/cluster.sh: PostgreSQL, Kafka, two services) against one
# instance on embedded H2 (the default), with the same load in the same run: wrk posting /v1/batch
# requests of 100 track messages (unique messageIds) for SECONDS, split over both instances.
# Prints messages/s accepted (answered 200), messages/s stored (until the last one is queryable),
# and latency. Usage: .ci/scale-benchmark.sh [SECONDS=20] [CONNECTIONS=16]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_LOAD=${1:-20}
CONNECTIONS=${2:-16}
DIR=$ROOT/target/scale-benchmark
MVN=${MVN:-mvn}
mkdir -p "$DIR"
if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk curl >/dev/null
fi

cat > "$DIR/batch.lua" <<'LUA'
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("tid", counter) end
local run = "0"
init = function(args) run = args[1] or "0"; math.randomseed(os.time() * 100 + tid) end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic ZGVzdC1rZXktMTo="  -- dest-key-1, config/integrations.yml
local n = 0
request = function()
  n = n + 1
  local prefix = run .. "-" .. tid .. "-" .. math.random(1, 1000000000) .. "-" .. n  -- run: unique per wrk process
  local parts = {}
  for k = 1, 100 do
    parts[k] = '{"type": "track", "messageId": "' .. prefix .. '-' .. k .. '", "userId": "user-' .. prefix .. '-' .. (k % 10)
      .. '", "event": "checkout_completed", "timestamp": "2026-11-28T10:00:00.000Z", "properties": {"revenue": 42.5, '
      .. '"currency": "EUR", "plan": "pro", "items": 3, "coupon": "WINTER", "path": "/checkout/confirm"}, '
      .. '"context": {"ip": "203.0.113.9", "locale": "en-US", "userAgent": "Mozilla/5.0 (X11; Linux x86_64) '
      .. 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "library": {"name": "analytics.js", '
      .. '"version": "4.1.0"}, "page": {"path": "/checkout/confirm", "title": "Confirm"}}}'
  end
  return wrk.format(nil, "/v1/batch", nil, '{"batch": [' .. table.concat(parts, ",") .. ']}')
end
LUA

stored() { # total messages stored over the given ports' shared or own stores
  curl -fsS -H "Authorization: Bearer bench-token" "http://127.0.0.1:$1/api/destinations/prod-web/stats" \
    | sed -n 's/.*"stored":\([0-9]*\).*/\1/p'
}

# run NAME PORT...: wrk on each port at once (connections split), then wait until all is stored
run() {
  local name=$1; shift
  local ports=("$@") per=$((CONNECTIONS / $#)) before after t0 t1 accepted=0
  before=$(stored "${ports[0]}")
  t0=$(date +%s%N)
  local pids=()
  for port in "${ports[@]}"; do
    wrk -t1 -c"$per" -d"${SECONDS_LOAD}s" --latency -s "$DIR/batch.lua" "http://127.0.0.1:$port" -- "$port-$RANDOM$RANDOM" \
      > "$DIR/$name-$port.txt" &
    pids+=($!)
  done
  wait "${pids[@]}"  # the load only: the baseline's service runs in the background too
  for port in "${ports[@]}"; do
    local ok; ok=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$DIR/$name-$port.txt")
    local bad; bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$DIR/$name-$port.txt")
    accepted=$((accepted + (ok - ${bad:-0}) * 100))
  done
  local target=$((before + accepted))
  for _ in $(seq 1 600); do
    after=$(stored "${ports[0]}"); [ "$after" -ge "$target" ] && break; sleep 0.5
  done
  t1=$(date +%s%N)
  local load_s; load_s=$(echo "$SECONDS_LOAD" | awk '{print $1}')
  local p50 p99
  p50=$(sed -n 's/^ *50% *\(.*\)/\1/p' "$DIR/$name-${ports[0]}.txt"); p99=$(sed -n 's/^ *99% *\(.*\)/\1/p' "$DIR/$name-${ports[0]}.txt")
  printf "%-34s %10d %12.0f %12.0f %8s %8s\n" "$name" "$accepted" "$(echo "$accepted $load_s" | awk '{print $1/$2}')" \
    "$(echo "$((after - before)) $t0 $t1" | awk '{print $1/(($3-$2)/1e9)}')" "$p50" "$p99" | tee -a "$DIR/results.txt"
}

jar=$(ls target/fme-segment-bridge-*.jar 2>/dev/null | grep -v -- '-plain.jar' | head -1 || true)
[ -n "$jar" ] || { $MVN -B -q package -DskipTests; jar=$(ls target/fme-segment-bridge-*.jar | grep -v -- '-plain.jar' | head -1); }
: > "$DIR/results.txt"
printf "%-34s %10s %12s %12s %8s %8s\n" "setup" "accepted" "accepted/s" "stored/s" "p50" "p99" | tee -a "$DIR/results.txt"

# baseline: one instance, embedded H2, no Kafka
rm -rf "$DIR/h2"
java -Xmx512m -jar "$jar" --server.port=8090 --fme.data-dir="$DIR/h2" --fme.admin-token=bench-token > "$DIR/h2.log" 2>&1 &
h2=$!
for _ in $(seq 1 120); do curl -fsS http://127.0.0.1:8090/actuator/health >/dev/null 2>&1 && break; sleep 0.5; done
wrk -t1 -c4 -d5s -s "$DIR/batch.lua" http://127.0.0.1:8090 -- "warm-$RANDOM" >/dev/null  # warm-up
run "one instance, H2" 8090
kill $h2; wait $h2 2>/dev/null || true

# two instances on PostgreSQL and Kafka
FME_ADMIN_TOKEN=bench-token MVN="$MVN" bash .ci/cluster.sh start
wrk -t1 -c2 -d5s -s "$DIR/batch.lua" http://127.0.0.1:8081 -- "warm-a-$RANDOM" >/dev/null
wrk -t1 -c2 -d5s -s "$DIR/batch.lua" http://127.0.0.1:8082 -- "warm-b-$RANDOM" >/dev/null
run "two instances, PostgreSQL + Kafka" 8081 8082
run "one of them alone" 8081
bash .ci/cluster.sh stop
echo "results: $DIR/results.txt"

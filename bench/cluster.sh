#!/usr/bin/env bash
# Cross-node publish-to-deliver latency against one node alone, and Redis CPU per publish.
#
#   bench/cluster.sh [--no-build] [RATE] [SECONDS] [SUBSCRIBERS]     (defaults 1000 15 1)
#
# Starts (by pid, stopped on exit): redis-server on 127.0.0.1:21379; a lone node without Redis
# (clients 21999, publish 21561); cluster nodes A (22999/22561) and B (23999/23561) on the Redis.
# Runs holdfast-bench's ClusterLatency three times: alone (subscribe and publish on the lone node),
# A->A (through Redis, same node) and A->B (publish on A, subscribers on B), and reads redis-server's
# CPU time from /proc around the A->B run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
RATE=${1:-1000}
SECONDS_=${2:-15}
SUBS=${3:-1}
work="$(mktemp -d)"
pids=()
cleanup() {
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ $build = 1 ]; then
  (cd "$root" && mvn -B -q -o -DskipTests -pl holdfast-server,holdfast-bench -am package)
fi
cp "$root/holdfast-server/target/holdfast.jar" "$root/holdfast-bench/target/holdfast-bench.jar" "$work/"

wait_port() {
  for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "cluster.sh: port $1 never opened; logs in $work" >&2; exit 1
}

redis-server --port 21379 --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
redis_pid=$!
pids+=($redis_pid)
wait_port 21379

node() { # name client-port publish-port [--redis URL]
  local name=$1 port=$2 pport=$3; shift 3
  java ${HOLDFAST_JAVA_OPTS:--Xms64m -Xmx1g} -jar "$work/holdfast.jar" --port "127.0.0.1:$port" \
    --publish-port "127.0.0.1:$pport" --route "* test" --log-level warn "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
}
# ZeroMQ stays on its Pushpin default ports in only one process: the others get a config turning it off.
printf '[holdfast]\nzmq=false\n' > "$work/nozmq.conf"
node alone 21999 21561 --config "$work/nozmq.conf"
node a 22999 22561 --config "$work/nozmq.conf" --redis redis://127.0.0.1:21379
node b 23999 23561 --config "$work/nozmq.conf" --redis redis://127.0.0.1:21379
for p in 21561 22561 23561; do wait_port $p; done

lat() { java -Xms256m -Xmx512m -cp "$work/holdfast-bench.jar" io.holdfast.bench.cluster.ClusterLatency "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$redis_pid/stat"; }

echo "== one node alone, no Redis ($RATE/s for ${SECONDS_}s, $SUBS subscriber(s))"
lat http://127.0.0.1:21999 http://127.0.0.1:21561/publish/ "$RATE" "$SECONDS_" "$SUBS"
echo "== through Redis, publish and subscribe on node A"
lat http://127.0.0.1:22999 http://127.0.0.1:22561/publish/ "$RATE" "$SECONDS_" "$SUBS"
echo "== across nodes: publish on A, subscribers on B"
before=$(cpu_ticks)
lat http://127.0.0.1:23999 http://127.0.0.1:22561/publish/ "$RATE" "$SECONDS_" "$SUBS" | tee "$work/cross.txt"
after=$(cpu_ticks)
published=$(grep -o 'publishes [0-9]*' "$work/cross.txt" | awk '{print $2}')
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v n="$published" \
  'BEGIN { printf "redis-server CPU during the cross-node run: %.2f s for %d publishes = %.1f us per publish\n", t/hz, n, (t/hz)*1e6/n }'
grep -h -i -E 'warn|error' "$work"/a.log "$work"/b.log | head -5 || true

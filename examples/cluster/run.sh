#!/usr/bin/env bash
# A Holdfast cluster on this machine in one command: one Redis and three nodes.
#
#   node 1: clients 7999, publish API 5561 (ZeroMQ 5560/5562/5563)
#   node 2: clients 8999, publish API 6561 (ZeroMQ 6560/6562/6563)
#   node 3: clients 9999, publish API 7561 (ZeroMQ 7560/7562/7563)
#   Redis:  127.0.0.1:${REDIS_PORT:-6379}, no persistence
#
# Every node serves the built-in test target (/test/stream, /test/sse, /test/long-poll,
# /test/websocket) and keeps history for channels matching "test*". Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REDIS_PORT=${REDIS_PORT:-6379}
work="$(mktemp -d)"
pids=()

cleanup() {
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v redis-server >/dev/null || { echo "run.sh: needs redis-server (apt-get install redis-server)" >&2; exit 1; }

wait_port() { # port name -- waits up to 60 s
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: $2 did not open port $1; logs in $work" >&2
  exit 1
}

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  > "$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$REDIS_PORT" redis-server

"$root/holdfast" --version >/dev/null # builds holdfast.jar once if needed

for n in 1 2 3; do
  offset=$(( (n - 1) * 1000 ))
  cat > "$work/node$n.conf" <<CONF
[global]
port_offset=$offset
[runner]
http_port=$(( 7999 + offset ))
[holdfast]
history_channels=test*
[cluster]
redis_url=redis://127.0.0.1:$REDIS_PORT
node_id=node$n
CONF
  "$root/holdfast" --config "$work/node$n.conf" > "$work/node$n.log" 2>&1 &
  pids+=($!)
done
for n in 1 2 3; do
  wait_port $(( 5561 + (n - 1) * 1000 )) "node$n"
done

cat <<MSG
Holdfast cluster running (logs in $work):
  node1 http://127.0.0.1:7999  publish http://127.0.0.1:5561
  node2 http://127.0.0.1:8999  publish http://127.0.0.1:6561
  node3 http://127.0.0.1:9999  publish http://127.0.0.1:7561
Try:
  curl -N http://127.0.0.1:9999/test/stream          # subscribe on node 3
  curl -d '{"items":[{"channel":"test","formats":{"http-stream":{"content":"hello from node 1\n"}}}]}' \\
       http://127.0.0.1:5561/publish/                  # publish on node 1
Ctrl-C stops Redis and the nodes.
MSG
wait "${pids[@]}"

#!/usr/bin/env bash
# Runs an unchanged @fanoutio/grip origin behind Holdfast: a stream, an SSE stream and a long-poll are
# held, the origin publishes through the library, and all receive the message; then a WebSocket-over-HTTP
# session (js-grip's WebSocketContext) accepts, echoes, and receives a ws-message publish.
# Usage: compat/js-grip/run.sh  (after the jar is built; needs node and npm)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
[ -d node_modules/@fanoutio/grip ] && [ -d node_modules/ws ] || npm install --no-audit --no-fund --silent >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
origin_port=$(free_port); http_port=$(free_port); pub_port=$(free_port)
key="compat-secret-$RANDOM"
work=$(mktemp -d)
cat >"$work/pushpin.conf" <<CONF
[proxy]
sig_key=$key
[runner]
http_port=127.0.0.1:$http_port
[handler]
push_in_http_port=$pub_port
CONF

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
node origin.mjs "$origin_port" "$pub_port" "$key" >"$work/origin.log" 2>&1 & pids+=($!)
java -jar "$root/holdfast-server/target/holdfast.jar" --config "$work/pushpin.conf" \
  --route "*,path_beg=/ws 127.0.0.1:$origin_port,over_http" \
  --route "* 127.0.0.1:$origin_port" >"$work/holdfast.log" 2>&1 & pids+=($!)

wait_for() { for _ in $(seq 1 100); do eval "$1" && return 0; sleep 0.2; done; return 1; }
wait_for "curl -s -o /dev/null http://127.0.0.1:$http_port/" || { cat "$work/holdfast.log"; exit 1; }

curl -sS -N --max-time 20 "http://127.0.0.1:$http_port/stream" >"$work/stream.out" & pids+=($!)
curl -sS -N --max-time 20 "http://127.0.0.1:$http_port/sse" >"$work/sse.out" & pids+=($!)
curl -sS --max-time 20 "http://127.0.0.1:$http_port/poll" >"$work/poll.out" & pids+=($!)
wait_for "grep -q 'js stream open' $work/stream.out" || { echo "js-grip: stream not held"; cat "$work"/*.out "$work"/*.log; exit 1; }
wait_for "curl -s http://127.0.0.1:$pub_port/stats | grep -q '\"subscriptions\" : 3'" \
  || { echo "js-grip: subscriptions not active"; curl -s "http://127.0.0.1:$pub_port/stats"; cat "$work/holdfast.log"; exit 1; }

curl -sS "http://127.0.0.1:$origin_port/publish?msg=hello-from-js-grip" | grep -q ok
wait_for "grep -q hello-from-js-grip $work/stream.out" || { echo "js-grip: stream publish missing"; cat "$work"/*; exit 1; }
wait_for "grep -q hello-from-js-grip $work/sse.out" || { echo "js-grip: sse publish missing"; exit 1; }
wait_for "grep -q hello-from-js-grip $work/poll.out" || { echo "js-grip: long-poll publish missing"; exit 1; }
node ws-client.mjs "ws://127.0.0.1:$http_port/ws" "http://127.0.0.1:$origin_port/publish?msg=published-to-ws" \
  || { echo "js-grip: WebSocket-over-HTTP failed"; cat "$work/holdfast.log" "$work/origin.log"; exit 1; }
echo "js-grip compat: stream, SSE, long-poll and WebSocket-over-HTTP through an unchanged @fanoutio/grip origin OK"

#!/usr/bin/env bash
# The soak of issue 10: mixed load against the built holdfast.jar on the default heap, then
# connect/disconnect cycles; writes docs/soak.md. Not part of CI (it runs for about 15 minutes).
#
#   bench/soak.sh                 10 minutes of load, then 100,000 cycles, report to docs/soak.md
#   bench/soak.sh --smoke         1 minute of load and 10,000 cycles, report to holdfast-bench/target/soak-smoke.md
#   bench/soak.sh --duration 300 --cycles 50000 --out /tmp/soak.md --no-build
#   bench/soak.sh -- --sse 400 --flood-rate 400    (options after -- go to `holdfast-bench soak`)
#
# Ports (override with the environment): ORIGIN_PORT 17080, STALL_PORT 17081, HOLDFAST_PORT 17999,
# HOLDFAST_PUBLISH_PORT 17561. HOLDFAST_JAVA_OPTS adds JVM options (the heap stays the default unless
# you set it here). KEEP_WORK=1 keeps the work directory with the logs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=600
cycles=100000
out="$root/docs/soak.md"
build=1
extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) duration=60; cycles=10000; out="$root/holdfast-bench/target/soak-smoke.md" ;;
    --duration) duration="$2"; shift ;;
    --cycles) cycles="$2"; shift ;;
    --out) out="$2"; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done

ORIGIN_PORT=${ORIGIN_PORT:-17080}
STALL_PORT=${STALL_PORT:-17081}
HOLDFAST_PORT=${HOLDFAST_PORT:-17999}
HOLDFAST_PUBLISH_PORT=${HOLDFAST_PUBLISH_PORT:-17561}
HOLDFAST_JAVA_OPTS=${HOLDFAST_JAVA_OPTS:-}

started_at=$(date +%s)
log() { printf '[soak.sh %4ds] %s\n' "$(( $(date +%s) - started_at ))" "$*"; }
die() { log "ERROR: $*"; exit 1; }

work="$(mktemp -d /tmp/holdfast-soak.XXXXXX)"
pids=()
cleanup() {
  local i
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  if [ -n "${KEEP_WORK:-}" ]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # url [body] -- up to 30 s for a 2xx
  local deadline=$(( $(date +%s) + 30 )) code
  while [ "$(date +%s)" -lt $deadline ]; do
    if [ -n "${2:-}" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -X POST -d "$2" "$1" || true)
    else
      code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$1" || true)
    fi
    case "$code" in 2*) return 0 ;; esac
    sleep 0.2
  done
  return 1
}

for p in $ORIGIN_PORT $STALL_PORT $HOLDFAST_PORT $HOLDFAST_PUBLISH_PORT; do
  if ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then die "port $p is in use"; fi
done

if [ $build = 1 ]; then
  log "building holdfast.jar and holdfast-bench.jar"
  (cd "$root" && mvn -B -q -o package -DskipTests -pl holdfast-server,holdfast-bench -am > "$work/build.log" 2>&1 \
    || mvn -B -q package -DskipTests -pl holdfast-server,holdfast-bench -am > "$work/build.log" 2>&1) \
    || die "build failed; see $work/build.log"
fi
cp "$root/holdfast-server/target/holdfast.jar" "$root/holdfast-bench/target/holdfast-bench.jar" "$work/"

log "starting the bench origin on $ORIGIN_PORT"
java -Xms64m -Xmx512m -jar "$work/holdfast-bench.jar" origin --port "$ORIGIN_PORT" > "$work/origin.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$ORIGIN_PORT/plain" || die "the bench origin did not start; see $work/origin.log"

log "starting Holdfast on $HOLDFAST_PORT (publish $HOLDFAST_PUBLISH_PORT), default heap"
# shellcheck disable=SC2086
java -XX:NativeMemoryTracking=summary $HOLDFAST_JAVA_OPTS -jar "$work/holdfast.jar" \
  --port "127.0.0.1:$HOLDFAST_PORT" --publish-port "127.0.0.1:$HOLDFAST_PUBLISH_PORT" \
  --route "*,path_beg=/stall 127.0.0.1:$STALL_PORT" --route "* 127.0.0.1:$ORIGIN_PORT,over_http" \
  > "$work/holdfast.log" 2>&1 &
holdfast_pid=$!
pids+=($holdfast_pid)
wait_http "http://127.0.0.1:$HOLDFAST_PORT/plain" \
  && wait_http "http://127.0.0.1:$HOLDFAST_PUBLISH_PORT/publish/" '{"items":[]}' \
  || die "Holdfast did not start; see $work/holdfast.log"

log "soak: ${duration}s of load, then $cycles cycles; report to $out"
rc=0
java -Xms1g -Xmx1g -jar "$work/holdfast-bench.jar" soak --proxy-pid "$holdfast_pid" \
  --proxy-url "http://127.0.0.1:$HOLDFAST_PORT" --publish-url "http://127.0.0.1:$HOLDFAST_PUBLISH_PORT" \
  --stall-port "$STALL_PORT" --holdfast-log "$work/holdfast.log" \
  --duration "$duration" --cycles "$cycles" --out "$out" "${extra[@]+"${extra[@]}"}" || rc=$?
cp "$work/holdfast.log" "$root/holdfast-bench/target/soak-holdfast.log" 2>/dev/null || true
[ $rc = 0 ] || die "the soak run failed (exit $rc); Holdfast's log: holdfast-bench/target/soak-holdfast.log"
log "done: $out (Holdfast's log copied to holdfast-bench/target/soak-holdfast.log)"
grep -E '^\| ' "$out" | sed -n '1,12p'

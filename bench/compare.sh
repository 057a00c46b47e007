#!/usr/bin/env bash
# Holdfast against Pushpin, side by side on this machine: builds both jars, starts the bench origin,
# then for every scenario starts a fresh Holdfast and a fresh Pushpin in turn (alternating which goes
# first), runs the load generator against each, stops each by pid with its child processes, and writes
# the report (docs/benchmarks.md and its chart). See bench/README.md.
#
#   bench/compare.sh                 full run (under 20 minutes), writes docs/benchmarks.md + chart
#   bench/compare.sh --quick         smaller sizes (under 3 minutes), writes holdfast-bench/target/bench-quick/
#   bench/compare.sh --scenarios fanout,proxy --out /tmp/report
#   bench/compare.sh -- --subscribers 5000       (everything after -- goes to the load generator)
#
# Environment: HOLDFAST_JAVA_OPTS, LOADGEN_JAVA_OPTS, ORIGIN_PORT and the other *_PORT variables below.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started_at=$(date +%s)

mode=full
scenarios="idle-sse,idle-ws,fanout,channels,proxy,churn"
out_dir=""
build=1
extra=()

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --scenarios) scenarios="$2"; shift ;;
    --scenarios=*) scenarios="${1#*=}" ;;
    --out) out_dir="$2"; shift ;;
    --out=*) out_dir="${1#*=}" ;;
    --no-build) build=0 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
  shift
done
scenarios="${scenarios//,/ }"
if [ -z "$out_dir" ]; then
  if [ "$mode" = full ]; then out_dir="$root/docs"; else out_dir="$root/holdfast-bench/target/bench-quick"; fi
fi

ORIGIN_PORT=${ORIGIN_PORT:-17080}
HOLDFAST_PORT=${HOLDFAST_PORT:-17999}
HOLDFAST_PUBLISH_PORT=${HOLDFAST_PUBLISH_PORT:-17561}
PUSHPIN_PORT=${PUSHPIN_PORT:-17998}
PUSHPIN_PUBLISH_PORT=${PUSHPIN_PUBLISH_PORT:-15561}   # and 15560, 15562, 15563 for its ZeroMQ sockets
# A heap ample for 15,000 held connections; start small so resident memory reflects what is used.
HOLDFAST_JAVA_OPTS=${HOLDFAST_JAVA_OPTS:--Xms64m -Xmx1g}
LOADGEN_JAVA_OPTS=${LOADGEN_JAVA_OPTS:--Xms1g -Xmx1g}
ORIGIN_THREADS=2
LOADGEN_THREADS=2

if [ "$mode" = quick ]; then
  budget=170; quiet_wait=2; quiet_total=15; scenario_limit=60
else
  budget=1170; quiet_wait=45; quiet_total=180; scenario_limit=300
fi
quiet_spent=0

work="$(mktemp -d /tmp/holdfast-bench.XXXXXX)"
mkdir -p "$work/results" "$work/logs"
pids=()

log() { printf '[compare %4ds] %s\n' "$(( $(date +%s) - started_at ))" "$*"; }
die() { log "ERROR: $*"; exit 1; }

# The pid and every descendant of it, deepest first.
descendants() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do
    descendants "$child"
  done
  echo "$pid"
}

# Stops a process and all its descendants by pid: TERM, up to 10 s, then KILL what is left.
stop_tree() {
  local pid=$1 all p i
  kill -0 "$pid" 2>/dev/null || return 0
  all=$(descendants "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    local alive=0
    for p in $all; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in $all; do
    if kill -0 "$p" 2>/dev/null; then
      log "pid $p did not stop on TERM within 10 s; killing it"
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  wait "$pid" 2>/dev/null || true
}

forget_pid() {
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  pids=("${keep[@]+"${keep[@]}"}")
}

cleanup() {
  local i
  for (( i=${#pids[@]}-1; i>=0; i-- )); do stop_tree "${pids[$i]}"; done
  if [ -n "${KEEP_WORK:-}" ]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

wait_http() { # url [method] [body] -- waits up to 30 s for a 2xx
  local url=$1 code deadline=$(( $(date +%s) + 30 ))
  while [ "$(date +%s)" -lt $deadline ]; do
    if [ -n "${3:-}" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -X "${2:-POST}" -d "$3" "$url" || true)
    else
      code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$url" || true)
    fi
    case "$code" in 2*) return 0 ;; esac
    sleep 0.1
  done
  return 1
}

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }

# Waits (bounded) until other programs leave the CPUs mostly idle, so they perturb the figures less.
wait_quiet() {
  local waited=0 b0 b1 pct
  while :; do
    b0=$(busy_ticks); sleep 1; b1=$(busy_ticks)
    pct=$(( (b1 - b0) * 100 / $(getconf CLK_TCK) ))
    if [ "$pct" -lt 30 ]; then
      [ $waited -gt 0 ] && log "machine quiet after ${waited} s"
      return 0
    fi
    waited=$((waited + 1))
    quiet_spent=$((quiet_spent + 1))
    if [ $waited -ge $quiet_wait ] || [ $quiet_spent -ge $quiet_total ] \
        || [ $(( $(date +%s) - started_at )) -gt $((budget - 60)) ]; then
      log "machine busy: other programs use ${pct}% of a core; going ahead (the run flags perturbed windows)"
      busy_notes+="${current:-?} started while others used ${pct}% of a core; "
      return 0
    fi
  done
}

# --- Pushpin ---------------------------------------------------------------------------------------
if ! command -v pushpin >/dev/null; then
  log "installing pushpin with apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pushpin >/dev/null
fi
command -v zurl >/dev/null || die "zurl (a dependency of the pushpin package) is missing"

# The Debian configuration with only what a side-by-side run needs changed: runtime directories in the
# work directory, publish ports moved off the defaults, the runner also starting zurl (Pushpin's HTTP
# client to origins; on Debian it is otherwise a separate system service), and the delivery rate limit
# lifted (message_rate=2500/s and message_hwm=25000 by default would measure the limiter, not Pushpin).
pushpin_conf="$work/pushpin/pushpin.conf"
mkdir -p "$work/pushpin/run" "$work/pushpin/log"
sed -e "s|^rundir=.*|rundir=$work/pushpin/run|" \
    -e "s|^logdir=.*|logdir=$work/pushpin/log|" \
    -e "s|^services=.*|services=condure,zurl,pushpin-proxy,pushpin-handler|" \
    -e "s|^push_in_spec=.*|push_in_spec=tcp://127.0.0.1:$((PUSHPIN_PUBLISH_PORT - 1))|" \
    -e "s|^push_in_sub_specs=.*|push_in_sub_specs=tcp://127.0.0.1:$((PUSHPIN_PUBLISH_PORT + 1))|" \
    -e "s|^command_spec=tcp.*|command_spec=tcp://127.0.0.1:$((PUSHPIN_PUBLISH_PORT + 2))|" \
    -e "s|^push_in_http_port=.*|push_in_http_port=$PUSHPIN_PUBLISH_PORT|" \
    -e "s|^message_rate=.*|message_rate=0|" \
    -e "s|^message_hwm=.*|message_hwm=0|" \
    -e "s|^\[proxy\]$|[proxy]\nzurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in\nzurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream\nzurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out|" \
    /etc/pushpin/pushpin.conf > "$pushpin_conf"
pushpin_changes="rundir and logdir in a temporary directory; publish ports $((PUSHPIN_PUBLISH_PORT - 1))-$((PUSHPIN_PUBLISH_PORT + 2)); services=condure,zurl,pushpin-proxy,pushpin-handler (zurl, its HTTP client to origins, started by the runner and counted with it); message_rate=0 and message_hwm=0 (no delivery rate limit)"

# --- build -----------------------------------------------------------------------------------------
if [ $build = 1 ]; then
  log "building holdfast.jar and holdfast-bench.jar"
  built=0
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if (cd "$root" && mvn -B -q -o package -DskipTests -pl holdfast-server,holdfast-bench -am \
          > "$work/logs/build.log" 2>&1 \
        || mvn -B -q package -DskipTests -pl holdfast-server,holdfast-bench -am > "$work/logs/build.log" 2>&1); then
      built=1; break
    fi
    log "build failed (attempt $attempt; others may be mid-edit), retrying in 30 s:"
    tail -n 5 "$work/logs/build.log" | sed 's/^/    /'
    sleep 30
  done
  [ $built = 1 ] || die "the build kept failing; see above"
fi
# Copies, so a rebuild by someone else during the run cannot swap the jars under it.
cp "$root/holdfast-server/target/holdfast.jar" "$root/holdfast-bench/target/holdfast-bench.jar" "$work/" \
  || die "jars missing; build first or drop --no-build"

nice_cmd=()
if [ "$(id -u)" = 0 ]; then nice_cmd=(nice -n -5); fi

for p in $ORIGIN_PORT $HOLDFAST_PORT $HOLDFAST_PUBLISH_PORT $PUSHPIN_PORT $((PUSHPIN_PUBLISH_PORT - 1)) \
         $PUSHPIN_PUBLISH_PORT $((PUSHPIN_PUBLISH_PORT + 1)) $((PUSHPIN_PUBLISH_PORT + 2)); do
  port_free "$p" || die "port $p is in use; stop what uses it or set the *_PORT variables"
done

# --- the origin ------------------------------------------------------------------------------------
"${nice_cmd[@]}" java -Xms128m -Xmx512m -jar "$work/holdfast-bench.jar" origin --port "$ORIGIN_PORT" \
  --threads $ORIGIN_THREADS > "$work/logs/origin.log" 2>&1 &
origin_pid=$!
pids+=("$origin_pid")
wait_http "http://127.0.0.1:$ORIGIN_PORT/plain" || die "the bench origin did not start; see $work/logs/origin.log"
log "bench origin on 127.0.0.1:$ORIGIN_PORT (pid $origin_pid)"

proxy_pid=""
start_proxy() { # name scenario
  local name=$1 sc=$2
  if [ "$name" = holdfast ]; then
    # shellcheck disable=SC2086
    "${nice_cmd[@]}" java $HOLDFAST_JAVA_OPTS -jar "$work/holdfast.jar" --port "127.0.0.1:$HOLDFAST_PORT" \
      --publish-port "127.0.0.1:$HOLDFAST_PUBLISH_PORT" --route "* 127.0.0.1:$ORIGIN_PORT,over_http" \
      > "$work/logs/holdfast-$sc.log" 2>&1 &   # default settings: the access log is on (issue 14)
    proxy_pid=$!
    pids+=("$proxy_pid")
    wait_http "http://127.0.0.1:$HOLDFAST_PORT/plain" && \
      wait_http "http://127.0.0.1:$HOLDFAST_PUBLISH_PORT/publish/" POST '{"items":[]}' \
      || die "Holdfast did not start; see $work/logs/holdfast-$sc.log"
  else
    rm -rf "$work/pushpin/run" "$work/pushpin/log"
    mkdir -p "$work/pushpin/run" "$work/pushpin/log"
    "${nice_cmd[@]}" pushpin --config="$pushpin_conf" --port="127.0.0.1:$PUSHPIN_PORT" \
      --route="* 127.0.0.1:$ORIGIN_PORT,over_http" --loglevel=1 > "$work/logs/pushpin-$sc.out" 2>&1 &
    proxy_pid=$!
    pids+=("$proxy_pid")
    wait_http "http://127.0.0.1:$PUSHPIN_PORT/plain" && \
      wait_http "http://127.0.0.1:$PUSHPIN_PUBLISH_PORT/publish/" POST '{"items":[]}' \
      || die "Pushpin did not start; see $work/logs/pushpin-$sc.out and $work/pushpin/log"
  fi
}

log_notes=""
busy_notes=""
stop_proxy() { # name scenario
  local name=$1 sc=$2 file n first
  stop_tree "$proxy_pid"
  forget_pid "$proxy_pid"
  if [ "$name" = holdfast ]; then
    file="$work/logs/holdfast-$sc.log"
    # The insecure-default-key warning is expected here: the bench origin does not check Grip-Sig.
    n=$(grep -E ' (WARN|ERROR) ' "$file" | grep -vc 'sig_key is the insecure default' || true)
    first=$(grep -E ' (WARN|ERROR) ' "$file" | grep -v 'sig_key is the insecure default' | head -n 1 | cut -c1-200 || true)
  else
    mkdir -p "$work/logs/pushpin-$sc"
    cp "$work/pushpin/log/"*.log "$work/logs/pushpin-$sc/" 2>/dev/null || true
    file="$work/logs/pushpin-$sc/*.log"
    # shellcheck disable=SC2086
    n=$(cat $file 2>/dev/null | grep -cE '^\[(WARN|ERR)' || true)
    # shellcheck disable=SC2086
    first=$(cat $file 2>/dev/null | grep -E '^\[(WARN|ERR)' | head -n 1 | cut -c1-200 || true)
  fi
  if [ "${n:-0}" -gt 0 ]; then
    log "$name logged $n warning/error lines during $sc, first: $first"
    log_notes+="$name $sc: $n lines, first: ${first//|/\\|}; "
  fi
}

run_scenario() { # name scenario
  local name=$1 sc=$2 url pub
  if [ "$name" = holdfast ]; then
    url="http://127.0.0.1:$HOLDFAST_PORT"; pub="http://127.0.0.1:$HOLDFAST_PUBLISH_PORT"
  else
    url="http://127.0.0.1:$PUSHPIN_PORT"; pub="http://127.0.0.1:$PUSHPIN_PUBLISH_PORT"
  fi
  start_proxy "$name" "$sc"
  current="$name $sc"
  wait_quiet
  # shellcheck disable=SC2086
  "${nice_cmd[@]}" java $LOADGEN_JAVA_OPTS -Dbench.clkTck="$(getconf CLK_TCK)" -Dbench.pageSize="$(getconf PAGESIZE)" \
    -jar "$work/holdfast-bench.jar" run --scenario "$sc" --proxy "$name" --proxy-url "$url" --publish-url "$pub" \
    --origin-url "http://127.0.0.1:$ORIGIN_PORT" --proxy-pid "$proxy_pid" --origin-pid "$origin_pid" \
    --mode "$mode" --threads $LOADGEN_THREADS --time-limit $scenario_limit \
    --out "$work/results/$sc-$name.json" "${extra[@]+"${extra[@]}"}" 2>&1 | tee -a "$work/logs/loadgen.log" \
    || log "the load generator failed for $name $sc (the report shows what it recorded)"
  stop_proxy "$name" "$sc"
}

# --- the runs --------------------------------------------------------------------------------------
log "mode $mode; scenarios: $scenarios; work directory $work"
order=(holdfast pushpin)
for sc in $scenarios; do
  for name in "${order[@]}"; do
    run_scenario "$name" "$sc"
  done
  order=("${order[1]}" "${order[0]}")   # alternate which proxy goes first
done

# --- the report ------------------------------------------------------------------------------------
mem_kib=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)
holdfast_rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain -- holdfast-server holdfast-grip 2>/dev/null)" ]; then
  holdfast_rev="$holdfast_rev with uncommitted changes"
fi
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "mode=$mode"
  echo "nproc=$(nproc)"
  echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem_total=$(awk -v k="$mem_kib" 'BEGIN{printf "%.1f GiB", k/1048576}')"
  echo "mem_total_kib=$mem_kib"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "kernel=$(uname -r)"
  echo "jdk=$(java -version 2>&1 | head -n 2 | tail -n 1)"
  echo "pushpin_version=$(pushpin --version 2>/dev/null | head -n 1), $(zurl --version 2>/dev/null | head -n 1), $(condure --version 2>/dev/null | head -n 1)"
  echo "holdfast_version=holdfast $holdfast_rev"
  echo "holdfast_java_opts=$HOLDFAST_JAVA_OPTS"
  echo "loadgen_java_opts=$LOADGEN_JAVA_OPTS"
  echo "loadgen_threads=$LOADGEN_THREADS"
  echo "origin_threads=$ORIGIN_THREADS"
  echo "pushpin_config_changes=$pushpin_changes"
  echo "log_findings=${log_notes}"
  echo "busy_findings=${busy_notes}"
  echo "duration_seconds=$(( $(date +%s) - started_at ))"
} | sed 's/\\/\\\\/g' > "$work/results/facts.properties"

mkdir -p "$out_dir"
java -jar "$work/holdfast-bench.jar" report --results "$work/results" --markdown "$out_dir/benchmarks.md" \
  --chart "$out_dir/benchmarks-latency.png" --facts "$work/results/facts.properties"

# Raw results and logs for whoever profiles next (target/ is not committed).
keep="$root/holdfast-bench/target/bench-$mode"
rm -rf "$keep/results" "$keep/logs"
mkdir -p "$keep"
cp -r "$work/results" "$work/logs" "$keep/"
log "done in $(( $(date +%s) - started_at )) s: $out_dir/benchmarks.md; raw results and logs in $keep"

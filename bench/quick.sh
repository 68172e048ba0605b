#!/usr/bin/env bash
# Quick A/B of one gateway jar: PostgreSQL, the nginx fake ModelsLab and the gateway only (no direct/nginx/pgbench/burst
# phases). Warms the gateway up, measures wrk throughput and the CPU each process used, then latency at a fixed rate.
#   bench/quick.sh                         # the jar in target/
#   JAR=/path/other.jar bench/quick.sh     # another build, e.g. of an older commit
# Knobs: WARM (seconds of wrk first, 90), D (measured wrk seconds, 15), RATE (req/s for the fixed-rate latency runs, 300;
# 0 skips), CPU_RATE (req/s of a 20 s fixed-rate run that measures CPU per call of the gateway and PostgreSQL, 400; 0 skips),
# ASYNC_PROFILER (path of libasyncProfiler.so: CPU profile of the measured wrk run, collapsed stacks in bench/out/),
# JAVA_OPTS (JVM flags for the gateway, e.g. "-XX:+UseZGC"), PG_OPTS (extra postgres -c settings),
# PG_STATEMENTS=1 (pg_stat_statements with planning times over the CPU_RATE run, in bench/out/quick-statements.txt).
# Run as root on Debian, alone on the machine; ports 18080/18081 and one free port for PostgreSQL.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PG_BIN=/usr/lib/postgresql/15/bin
WARM=${WARM:-90}
D=${D:-15}
RATE=${RATE:-300}
CPU_RATE=${CPU_RATE:-400}
JAR=${JAR:-$(ls "$ROOT"/target/modelslab-gateway-*.jar | grep -v original | head -1)}
OUT=$BENCH/out
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/gw-quick.XXXXXX)
chmod 755 "$TMP"
PGDATA=$TMP/pg
PIDS=()
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 2
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    [ -f "$PGDATA/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

[ -n "${PG_STATEMENTS:-}" ] && STATEMENTS_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
install -d -o postgres -g postgres -m 700 "$PGDATA"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -U gateway --auth=trust -E UTF8 --locale=C >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_OPTS:-} ${STATEMENTS_OPTS:-}" \
    start >/dev/null
PSQL=(psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres)
[ -n "${PG_STATEMENTS:-}" ] && "${PSQL[@]}" -c "CREATE EXTENSION pg_stat_statements"

SUCCESS='{"status":"success","generationTime":0.65,"id":81443063,"output":["https://x/y.png"],"meta":{}}'
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server { listen 127.0.0.1:18081; location / { default_type application/json; return 200 '$SUCCESS'; } }
}
NGINX
nginx -c "$TMP/nginx/nginx.conf" &
PIDS+=($!)

"$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -jar "$JAR" --server.port=18080 --modelslab.base-url=http://127.0.0.1:18081 \
    --modelslab.api-key=bench-shared-key --gateway.admin-token=bench-admin --gateway.keys.hmac-secret=bench-hmac-secret \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" --spring.datasource.username=gateway \
    --logging.level.root=WARN >"$TMP/gateway.log" 2>&1 &
GW=$!
PIDS+=($GW)
for _ in $(seq 300); do curl -sf -o /dev/null http://127.0.0.1:18080/actuator/health/readiness && break; sleep 0.2; done
admin() { curl -sf -XPOST "http://127.0.0.1:18080$1" -H "Authorization: Bearer bench-admin" \
    -H 'Content-Type: application/json' -d "$2"; }
admin /admin/tenants '{"id":"bench","name":"Bench","monthlyBudgetUsd":"1000000"}' >/dev/null
KEY=$(admin /admin/tenants/bench/keys '{"name":"bench"}' | jq -r .key)
export BENCH_KEY=$KEY
URL=http://127.0.0.1:18080/api/v6/images/text2img
echo "jar: $JAR"
echo "warm-up ${WARM}s: $(wrk -t2 -c64 -d"${WARM}s" -s "$BENCH/post.lua" "$URL" | grep '^RESULT')"

ticks() { # user+system clock ticks of the given processes
    local total=0
    for pid in "$@"; do [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}
postgres_pids() { pgrep -u postgres -f postgres | tr '\n' ' '; }
read -r _ user0 nice0 system0 idle0 _ </proc/stat
gw0=$(ticks "$GW"); pg0=$(ticks $(postgres_pids))
[ -n "${ASYNC_PROFILER:-}" ] && "$JAVA_HOME/bin/jcmd" "$GW" JVMTI.agent_load "$ASYNC_PROFILER" \
    '"start,event=itimer,interval=1ms"' >/dev/null
echo "measured ${D}s: $(wrk -t2 -c64 -d"${D}s" -s "$BENCH/post.lua" "$URL" | grep '^RESULT')"
[ -n "${ASYNC_PROFILER:-}" ] && "$JAVA_HOME/bin/jcmd" "$GW" JVMTI.agent_load "$ASYNC_PROFILER" \
    "\"stop,file=$OUT/quick-profile.collapsed,collapsed\"" >/dev/null
gw1=$(ticks "$GW"); pg1=$(ticks $(postgres_pids))
read -r _ user1 nice1 system1 idle1 _ </proc/stat
hz=$(getconf CLK_TCK)
echo "cpu seconds during the measured run: gateway=$(((gw1 - gw0) / hz)) postgres=$(((pg1 - pg0) / hz))" \
    "all_busy=$(((user1 + nice1 + system1 - user0 - nice0 - system0) / hz)) idle=$(((idle1 - idle0) / hz))"

if [ "$CPU_RATE" != 0 ]; then
    # CPU per call at a fixed offered rate: the same work for both builds of an A/B, so far less noisy than closed-loop
    # throughput on a shared 2-core box.
    [ -n "${PG_STATEMENTS:-}" ] && "${PSQL[@]}" -c "SELECT pg_stat_statements_reset()" >/dev/null
    gw0=$(ticks "$GW"); pg0=$(ticks $(postgres_pids))
    result=$("$JAVA_HOME/bin/java" "$BENCH/FixedRate.java" rate "$URL" "$KEY" "$CPU_RATE" 20 0)
    gw1=$(ticks "$GW"); pg1=$(ticks $(postgres_pids))
    calls=$(echo " $result" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
    echo "cpu per call at $CPU_RATE/s for 20 s: gateway=$(awk -v t=$((gw1 - gw0)) -v hz="$hz" -v n="$calls" \
        'BEGIN { printf "%.3f", 1000 * t / hz / n }') ms postgres=$(awk -v t=$((pg1 - pg0)) -v hz="$hz" -v n="$calls" \
        'BEGIN { printf "%.3f", 1000 * t / hz / n }') ms ($result)"
    # per statement: executions, how often it was planned, and mean planning and execution time
    [ -n "${PG_STATEMENTS:-}" ] && "${PSQL[@]}" -F' | ' -c "SELECT calls, plans, round(mean_plan_time::numeric, 3),
        round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 100) FROM pg_stat_statements
        WHERE calls >= 100 ORDER BY total_plan_time + total_exec_time DESC LIMIT 15" \
        | sed '1i calls | plans | plan ms | exec ms | statement' | tee "$OUT/quick-statements.txt"
fi

if [ "$RATE" != 0 ]; then
    # As in run.sh: clean up after the wrk runs first. A faster build writes more rows there, and autovacuum working
    # through them during its latency runs would make it look slower.
    "${PSQL[@]}" -c "VACUUM (ANALYZE)" -c "CHECKPOINT"
    sleep 10
    echo "direct:  $("$JAVA_HOME/bin/java" "$BENCH/FixedRate.java" rate http://127.0.0.1:18081/api/v6/images/text2img "$KEY" "$RATE" 15 5)"
    for run in 1 2; do
        curl -s http://127.0.0.1:18080/actuator/prometheus >"$TMP/metrics.before"
        echo "gateway: $("$JAVA_HOME/bin/java" "$BENCH/FixedRate.java" rate "$URL" "$KEY" "$RATE" 15 5)"
        curl -s http://127.0.0.1:18080/actuator/prometheus >"$TMP/metrics.after"
        echo "  as the gateway measured it (its histograms, this run incl. its 5 s warm-up):" \
            "$(python3 "$BENCH/histogram-delta.py" "$TMP/metrics.before" "$TMP/metrics.after")"
    done
fi

#!/usr/bin/env bash
# Gateway benchmark: throughput and latency against a fast fake ModelsLab (direct, through nginx, through the gateway),
# added latency at a fixed 300 req/s, the PostgreSQL floor of the gateway's own per-call SQL (pgbench), and 5,000
# concurrent in-flight calls against a slow fake. Run as root on Debian from anywhere: bench/run.sh
# Everything listens on 127.0.0.1 only and is stopped on exit. Raw output goes to bench/out/ (not committed);
# the summary is written to bench/RESULTS.md.
# Knobs (environment): DURATION (wrk seconds, 20), WARMUP (seconds of wrk before measuring a freshly started gateway, 90),
# THREADS (2), CONNECTIONS (64), RATE (300), RATE_SECONDS (20), SETTLE_SECONDS (idle after vacuuming, before the
# fixed-rate runs, 15), BURST (5000 connections), BURST_SECONDS (20),
# SLOW_MS (5000), TENANTS (the many-tenant wrk run, 50), JAVA_OPTS (JVM flags for the gateway; "-Xmx512m" by default, so the 5,000-call burst must fit the
# heap target; JAVA_OPTS= for the JVM's default heap, a quarter of RAM).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JCMD=$JAVA_HOME/bin/jcmd
JFR=$JAVA_HOME/bin/jfr
PG_BIN=/usr/lib/postgresql/15/bin
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-90}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-300}
RATE_SECONDS=${RATE_SECONDS:-20}
RATE_WARMUP=5
SETTLE_SECONDS=${SETTLE_SECONDS:-15}
BURST_SECONDS=${BURST_SECONDS:-20}
BURST=${BURST:-5000}
SLOW_MS=${SLOW_MS:-5000}
TENANTS=${TENANTS:-50}
JAVA_OPTS=${JAVA_OPTS--Xmx512m}
GW_PORT=18080
UP_PORT=18081
PROXY_PORT=18082
SLOW_PORT=18084
ADMIN=bench-admin
OUT=$BENCH/out
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.txt
LOG=$OUT/run.log
exec > >(tee "$LOG") 2>&1

log() { echo "[$(date +%T)] $*"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -1; }

ulimit -n "$(ulimit -Hn)"  # 5,000 in flight needs ~10,000 descriptors in the gateway

# --- tools --------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    apt-get update && apt-get install -y wrk nginx
fi
for tool in "$JAVA" "$PG_BIN/postgres" "$PG_BIN/pgbench" jq curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

# --- jar ----------------------------------------------------------------------------------------------------------
JAR=$(ls "$ROOT"/target/modelslab-gateway-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [ -z "$JAR" ]; then
    log "building the jar"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
    JAR=$(ls "$ROOT"/target/modelslab-gateway-*.jar | grep -v original | head -1)
fi
log "jar: $JAR"

TMP=$(mktemp -d /tmp/gw-bench.XXXXXX)
chmod 755 "$TMP"
PIDS=()
PGDATA=$TMP/pg
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null
    done
    cp "$PGDATA/server.log" "$OUT/postgres.log" 2>/dev/null
    if [ -f "$PGDATA/postmaster.pid" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds
    for _ in $(seq $(($2 * 5))); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
    echo "timed out waiting for $1" >&2; return 1
}

# --- PostgreSQL 15, default durability (fsync on, synchronous_commit on) --------------------------------------------
# Checkpoints further apart than the defaults (5 min, 1 GB of WAL), as usual for a write-heavy database: with the
# defaults the first timed checkpoint, and its burst of full-page writes, comes during the latency and pgbench phases.
# Its log, with checkpoints, is copied to bench/out/postgres.log.
PG_CHECKPOINTS="-c max_wal_size=4GB -c checkpoint_timeout=15min"
PG_PORT=$(free_port)
install -d -o postgres -g postgres -m 700 "$PGDATA"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -U gateway --auth=trust -E UTF8 --locale=C >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c max_connections=300 $PG_CHECKPOINTS" start >/dev/null
PSQL=(psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres)
log "PostgreSQL on 127.0.0.1:$PG_PORT: $("${PSQL[@]}" -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit') || ' wal_sync_method=' || current_setting('wal_sync_method') || ' checkpoint_timeout=' || current_setting('checkpoint_timeout') || ' max_wal_size=' || current_setting('max_wal_size')")"

# --- nginx: fake ModelsLab (18081) and plain reverse proxy (18082) --------------------------------------------------
SUCCESS='{"status":"success","generationTime":0.65,"id":81443063,"output":["https://x/y.png"],"meta":{}}'
nginx_conf() { # name server-block
    mkdir -p "$TMP/nginx-$1"
    cat >"$TMP/nginx-$1/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $TMP/nginx-$1/nginx.pid;
error_log $TMP/nginx-$1/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    client_body_temp_path $TMP/nginx-$1/body;
    proxy_temp_path $TMP/nginx-$1/proxy;
    fastcgi_temp_path $TMP/nginx-$1/fastcgi;
    uwsgi_temp_path $TMP/nginx-$1/uwsgi;
    scgi_temp_path $TMP/nginx-$1/scgi;
    $2
}
EOF
    nginx -c "$TMP/nginx-$1/nginx.conf" &
    PIDS+=($!)
}
nginx_conf upstream "server { listen 127.0.0.1:$UP_PORT; location / { default_type application/json; return 200 '$SUCCESS'; } }"
# Phase 4 rewrites the fake to forward to the slow fake and reloads it, so the gateway stays up and warm throughout.
SLOW_FAKE="upstream slow { server 127.0.0.1:$SLOW_PORT; keepalive 1024; }
    server { listen 127.0.0.1:$UP_PORT; location / { proxy_pass http://slow; proxy_http_version 1.1;
        proxy_set_header Connection \"\"; proxy_read_timeout 120s; } }"
nginx_conf proxy "upstream modelslab { server 127.0.0.1:$UP_PORT; keepalive 128; keepalive_requests 10000000; }
    server { listen 127.0.0.1:$PROXY_PORT; location / { proxy_pass http://modelslab; proxy_http_version 1.1;
        proxy_set_header Connection \"\"; } }"
sleep 1
curl -sf -XPOST "http://127.0.0.1:$PROXY_PORT/api/v6/images/text2img" -d '{}' | grep -q success

# --- gateway --------------------------------------------------------------------------------------------------------
GW_PID=
start_gateway() { # base-url extra-args...
    local base=$1; shift
    # shellcheck disable=SC2206 # JAVA_OPTS is a list of flags
    GW_CMD=("$JAVA" ${JAVA_OPTS:-} -jar "$JAR" --server.port=$GW_PORT --modelslab.base-url="$base"
        --modelslab.api-key=bench-shared-key --gateway.admin-token=$ADMIN --gateway.keys.hmac-secret=bench-hmac-secret
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" --spring.datasource.username=gateway
        --logging.level.root=WARN "$@")
    log "starting: ${GW_CMD[*]}"
    "${GW_CMD[@]}" >>"$OUT/gateway.log" 2>&1 &
    GW_PID=$!
    PIDS+=($GW_PID)
    wait_http "http://127.0.0.1:$GW_PORT/actuator/health/readiness" 180
    log "gateway ready (pid $GW_PID)"
}
stop_gateway() {
    kill "$GW_PID"
    for _ in $(seq 150); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$GW_PID" 2>/dev/null || true
}

# max-connections 6000: ModelsLab connections per replica, enough for phase 4's 5,000 calls in flight.
start_gateway "http://127.0.0.1:$UP_PORT" --modelslab.max-connections=6000
admin() { curl -sf -XPOST "http://127.0.0.1:$GW_PORT$1" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -d "$2"; }
admin /admin/tenants '{"id":"bench","name":"Bench","monthlyBudgetUsd":"1000000"}' >/dev/null
export BENCH_KEY=$(admin /admin/tenants/bench/keys '{"name":"bench"}' | jq -r .key)
curl -sf "http://127.0.0.1:$GW_PORT/api/v6/images/text2img" -H "Authorization: Bearer $BENCH_KEY" \
    -H 'Content-Type: application/json' -d '{"prompt":"a cat","model_id":"octoflat"}' | grep -q success
log "tenant 'bench' created, a call through the gateway succeeds"

# --- environment ----------------------------------------------------------------------------------------------------
{
    echo "host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -r)"
    echo "java: $("$JAVA" -version 2>&1 | head -1)"
    echo "postgres: $("$PG_BIN/postgres" --version); nginx: $(nginx -v 2>&1); wrk: $(wrk -v 2>&1 | head -1)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
} | tee "$OUT/env.txt"

# --- 1. wrk throughput: direct, nginx, gateway ----------------------------------------------------------------------
WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" --latency -s "$BENCH/post.lua")
run_wrk() { # name url [seconds]
    local before after
    before=$(load)
    "${WRK[@]}" -d"${3:-$DURATION}s" "$2" >"$OUT/wrk-$1.txt" 2>&1
    after=$(load)
    echo "$(grep '^RESULT' "$OUT/wrk-$1.txt") load_before=${before// /,} load_after=${after// /,}" >"$OUT/wrk-$1.result"
    log "wrk $1: $(cat "$OUT/wrk-$1.result")"
}
URL_PATH=/api/v6/images/text2img
run_wrk direct "http://127.0.0.1:$UP_PORT$URL_PATH"
run_wrk nginx "http://127.0.0.1:$PROXY_PORT$URL_PATH"
# Under this load the JIT compiler shares the 2 cores with everything else, so the gateway needs a minute or two to reach
# its steady state (measured: ~750 req/s over the first minute, 1,150-1,500 after 90 s). A replica serving traffic is
# warm, so that is the state measured.
run_wrk gateway-warmup "http://127.0.0.1:$GW_PORT$URL_PATH" "$WARMUP"
run_wrk gateway "http://127.0.0.1:$GW_PORT$URL_PATH"
# The same load spread over $TENANTS tenants (bench/post.lua takes the keys of BENCH_KEYS in turn): a real gateway
# serves many tenants, and a settlement group then touches many quota rows.
MANY_KEYS=()
for i in $(seq "$TENANTS"); do
    admin /admin/tenants "{\"id\":\"bench-$i\",\"name\":\"Bench $i\",\"monthlyBudgetUsd\":\"1000000\"}" >/dev/null
    MANY_KEYS+=("$(admin "/admin/tenants/bench-$i/keys" '{"name":"bench"}' | jq -r .key)")
done
export BENCH_KEYS=$(IFS=,; echo "${MANY_KEYS[*]}")
run_wrk gateway-many-tenants "http://127.0.0.1:$GW_PORT$URL_PATH"
unset BENCH_KEYS
# The profile is recorded in a run of its own: JFR's sampling slows the gateway down.
(sleep 3; "$JCMD" "$GW_PID" JFR.start name=bench settings=profile duration=15s filename="$TMP/gw.jfr" >/dev/null) &
run_wrk gateway-profiled "http://127.0.0.1:$GW_PORT$URL_PATH"
for _ in $(seq 30); do [ -s "$TMP/gw.jfr" ] && break; sleep 1; done
sleep 2
# jfr print writes frames as "pkg.Class.method(args) line: N" (no "at " prefix), so frames are matched on " line: ".
"$JFR" print --stack-depth 64 --events jdk.ExecutionSample "$TMP/gw.jfr" >"$OUT/jfr-samples.txt" || true
grep -c '^jdk.ExecutionSample' "$OUT/jfr-samples.txt" >"$OUT/jfr-count.txt" || true
awk '/stackTrace = \[/{top=1; next} top{sub(/^[ \t]+/,""); sub(/ line:.*/,""); print; top=0}' "$OUT/jfr-samples.txt" \
    >"$OUT/jfr-top-frames.txt" || true
sort "$OUT/jfr-top-frames.txt" | uniq -c | sort -rn | head -30 >"$OUT/jfr-self.txt" || true
# self time by package (the method's class minus its simple name)
sed 's/(.*//; s/\.[^.]*$//; s/\.[^.]*$//' "$OUT/jfr-top-frames.txt" | sort | uniq -c | sort -rn | head -25 \
    >"$OUT/jfr-self-packages.txt" || true
grep ' line: ' "$OUT/jfr-samples.txt" | sed 's/^[[:space:]]*//; s/ line:.*//' | sort | uniq -c | sort -rn | head -30 \
    >"$OUT/jfr-inclusive.txt" || true
grep -E '^[[:space:]]+com\.example' "$OUT/jfr-samples.txt" | sed 's/^[[:space:]]*//; s/ line:.*//' \
    | sort | uniq -c | sort -rn | head -20 >"$OUT/jfr-gateway-frames.txt" || true
GW_ROWS=$("${PSQL[@]}" -c "SELECT count(*) FROM call_ledger")
log "ledger rows after the wrk runs: $GW_ROWS"

# --- 2. fixed rate: added latency ----------------------------------------------------------------------------------
# The wrk runs leave about 100,000 new ledger rows and as many dead reservation rows behind them, and autovacuum would
# clean up after them during the latency runs below, on the same two cores and disk. Do that now, then let the box
# settle, so that the runs below measure calls at this rate rather than the wake of the runs above.
"${PSQL[@]}" -c "VACUUM (ANALYZE)"
"${PSQL[@]}" -c "CHECKPOINT"
sleep "$SETTLE_SECONDS"
log "vacuumed, checkpointed and idle for ${SETTLE_SECONDS}s; load $(load)"
run_rate() { # name url
    local before after
    before=$(load)
    "$JAVA" "$BENCH/FixedRate.java" rate "$2" "$BENCH_KEY" "$RATE" "$RATE_SECONDS" "$RATE_WARMUP" >"$OUT/rate-$1.txt" 2>&1
    after=$(load)
    echo " $(grep '^mode=' "$OUT/rate-$1.txt") load_before=${before// /,} load_after=${after// /,}" >"$OUT/rate-$1.result"
    log "rate $1: $(cat "$OUT/rate-$1.result")"
}
run_rate direct "http://127.0.0.1:$UP_PORT$URL_PATH"
run_rate nginx "http://127.0.0.1:$PROXY_PORT$URL_PATH"
curl -s "http://127.0.0.1:$GW_PORT/actuator/prometheus" >"$TMP/metrics.before"
run_rate gateway "http://127.0.0.1:$GW_PORT$URL_PATH"
curl -s "http://127.0.0.1:$GW_PORT/actuator/prometheus" >"$TMP/metrics.after"
# One more run at the same rate, recording every wait of a gateway thread for PostgreSQL's answer (bench/pg-waits.jfc:
# each blocking socket read). Its own run: an event per read slows the calls down.
"$JCMD" "$GW_PID" JFR.start name=pgwaits settings="$BENCH/pg-waits.jfc" filename="$TMP/pg-waits.jfr" >/dev/null
run_rate gateway-pg-waits "http://127.0.0.1:$GW_PORT$URL_PATH"
"$JCMD" "$GW_PID" JFR.stop name=pgwaits >/dev/null
RATE_CALLS=$(awk -v r="$RATE" -v s="$RATE_SECONDS" -v w="$RATE_WARMUP" 'BEGIN { print r * (s + w) }')
"$JFR" print --json --events jdk.SocketRead "$TMP/pg-waits.jfr" | python3 "$BENCH/pg-waits.py" "$PG_PORT" "$RATE_CALLS" \
    >"$OUT/rate-gateway-pg-waits.txt" || true
log "rate gateway, its waits for PostgreSQL (JFR): $(paste -sd';' "$OUT/rate-gateway-pg-waits.txt")"
# Where the gateway's time goes at this rate, by its own histograms (its warm-up included): admission and
# settlement are the parts spent on PostgreSQL, added is everything the gateway adds around the upstream call.
python3 "$BENCH/histogram-delta.py" "$TMP/metrics.before" "$TMP/metrics.after" | tr ';' '\n' | sed 's/^ *//' \
    >"$OUT/rate-gateway-phases.txt"
log "rate gateway, its own histograms: $(paste -sd';' "$OUT/rate-gateway-phases.txt")"

# --- 3. PostgreSQL floor: the gateway's per-call SQL with pgbench ---------------------------------------------------
KEYHASH=$("${PSQL[@]}" -c "SELECT '\\x' || encode(key_hash, 'hex') FROM api_key WHERE tenant_id = 'bench' LIMIT 1")
read -r MONTH DAY MINUTE NOW < <("${PSQL[@]}" -F' ' -c "SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date,
    (now() AT TIME ZONE 'UTC')::date, to_char(date_trunc('minute', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
    to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
PGBENCH_VARS=(-D "keyhash=$KEYHASH" -D price=0.0047 -D "month=$MONTH" -D "day=$DAY" -D "minute=$MINUTE" -D "now=$NOW")
PGBENCH=("$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U gateway -n -M prepared -c 32 -j 2 -T "$DURATION"
    "${PGBENCH_VARS[@]}")
# The same SQL alone at the fixed rate of phase 2: how long PostgreSQL itself takes per call at that rate, one statement
# after the other as a call needs them (no gateway, no JVM). Per-transaction log for the percentiles.
PGBENCH_RATE=("$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U gateway -n -M prepared -c 4 -j 1 -R "$RATE"
    -T "$RATE_SECONDS" -r "${PGBENCH_VARS[@]}")
pgbench_floor() { # name sql-file: calls/s with 32 clients, then latency per call at the fixed rate
    local before after
    before=$(load)
    "${PGBENCH[@]}" -f "$2" postgres >"$OUT/pgbench-$1.txt" 2>&1
    after=$(load)
    local tps lat
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$OUT/pgbench-$1.txt" | head -1)
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$OUT/pgbench-$1.txt")
    "${PSQL[@]}" -c "VACUUM (ANALYZE)"
    "${PGBENCH_RATE[@]}" --log --log-prefix="$TMP/pgbench-rate-$1" -f "$2" postgres >"$OUT/pgbench-rate-$1.txt" 2>&1
    # log lines: client transaction latency_us script epoch epoch_us lag_us; latency counts from the scheduled start
    local pct statements
    pct=$(cat "$TMP/pgbench-rate-$1".* | awk '{print $3 / 1000}' | sort -n | awk '{v[NR] = $1}
        END { printf "p50=%.3f p90=%.3f p99=%.3f", v[int(NR * .5)], v[int(NR * .9)], v[int(NR * .99)] }')
    # one figure per round trip: a pipeline's statements count at its \endpipeline; \set and \startpipeline are none
    statements=$(sed -n '/statement latencies/,$p' "$OUT/pgbench-rate-$1.txt" | tail -n +2 \
        | awk '$3 !~ /^\\(set|startpipeline)$/ && $1 > 0 {printf "%s%s ms", (n++ > 0 ? ", " : ""), $1}')
    echo " tps=$tps latency_avg_ms=$lat load_before=${before// /,} load_after=${after// /,} rate: $pct statements: $statements" \
        >"$OUT/pgbench-$1.result"
    log "pgbench $1: $(cat "$OUT/pgbench-$1.result")"
}
pgbench_floor per-call "$BENCH/per-call.sql"
"${PSQL[@]}" -c "SELECT 'in_flight=' || in_flight || ' reserved_usd=' || reserved_usd FROM quota_state WHERE tenant_id='bench'" \
    >"$OUT/quota-after-pgbench.txt"
PG_TPS=$(field tps <"$OUT/pgbench-per-call.result")
# The settlement the gateway does not use, for comparison: the ledger rows and the charge in one durable statement
# (bench/settle-folded.sql), after the same RESERVE.
# (its request id is per-call.sql's: the client's number and a random one)
{ sed -n '1,/^\\endpipeline$/p' "$BENCH/per-call.sql"; echo
  sed "s/:rid::uuid/md5(:client_id || '-' || :r)::uuid/; s/:tenant_id/'bench'/" "$BENCH/settle-folded.sql"; } \
    >"$TMP/per-call-folded.sql"
"${PSQL[@]}" -c "VACUUM (ANALYZE)"
pgbench_floor folded "$TMP/per-call-folded.sql"

# --- 4. 5,000 in flight against a slow fake ------------------------------------------------------------------------
"$JAVA" "$BENCH/SlowUpstream.java" "$SLOW_PORT" "$SLOW_MS" >"$OUT/slow-upstream.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SLOW_PORT/stats" 60
# The same warm gateway; its fake ModelsLab now forwards every call to the slow one (nginx reloads without a restart).
sed -i "s|server { listen 127.0.0.1:$UP_PORT;.*|$(echo "$SLOW_FAKE" | tr '\n' ' ')|" "$TMP/nginx-upstream/nginx.conf"
nginx -c "$TMP/nginx-upstream/nginx.conf" -s reload
sleep 2
curl -sf -o /dev/null -w "a call to the fake now takes %{time_total} s\n" -XPOST "http://127.0.0.1:$UP_PORT$URL_PATH" -d '{}'
"$JAVA" "$BENCH/FixedRate.java" burst "http://127.0.0.1:$GW_PORT$URL_PATH" "$BENCH_KEY" 200 >"$OUT/burst-warmup.txt" 2>&1
log "burst warm-up (200 calls): $(cat "$OUT/burst-warmup.txt")"
heap_used_mib() { "$JCMD" "$GW_PID" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1 | awk '{printf "%d", $1/1024}'; }
rss_mib() { ps -o rss= -p "$GW_PID" | awk '{printf "%d", $1/1024}'; }
sampler() {
    local live_done=0 start=$SECONDS
    while :; do
        local stats inflight
        stats=$(curl -s "http://127.0.0.1:$SLOW_PORT/stats")
        inflight=$(echo " $stats" | field in_flight)
        # client connections open to the gateway (each with a call outstanding, bar the instant between an answer and
        # the next call), and the gateway's own count of calls forwarded and not yet settled
        local conns gw_inflight
        conns=$(ss -Htn state established "( sport = :$GW_PORT )" | wc -l)
        gw_inflight=$(curl -s "http://127.0.0.1:$GW_PORT/actuator/prometheus" \
            | sed -n 's/^gateway_inflight_calls{[^}]*} \([0-9]*\).*/\1/p')
        echo "t=$((SECONDS - start)) heap_used_mib=$(heap_used_mib) rss_mib=$(rss_mib) client_connections=$conns" \
            "gateway_inflight=${gw_inflight:-?} $stats" >>"$OUT/burst-samples.txt"
        if [ "$live_done" = 0 ] && { [ "${gw_inflight:-0}" -ge $((BURST * 99 / 100)) ] \
                || [ "${inflight:-0}" -ge $((BURST * 99 / 100)) ] || [ $((SECONDS - start)) -ge 12 ]; }; then
            # A class histogram of live objects only (it runs a full GC first): its total is the live heap at that
            # instant, whereas GC.heap_info after a GC.run also counts what was allocated in between.
            "$JCMD" "$GW_PID" GC.class_histogram >"$OUT/burst-histogram.txt" 2>&1
            echo "live heap (GC.class_histogram) with gateway_inflight=${gw_inflight:-?} upstream in_flight=$inflight:" \
                "live_heap_mib=$(awk '/^Total/ {printf "%d", $3 / 1048576}' "$OUT/burst-histogram.txt")" \
                "rss_mib=$(rss_mib)" >"$OUT/burst-live.txt"
            live_done=1
        fi
        sleep 0.5
    done
}
curl -s "http://127.0.0.1:$SLOW_PORT/stats" >/dev/null
# What each call of the burst got: the gateway's own counters by HTTP status and by ledger outcome, before and after.
outcomes() { curl -s "http://127.0.0.1:$GW_PORT/actuator/prometheus" \
    | grep -E '^(gateway_calls_total|gateway_quota_rejections_total|http_server_requests_seconds_count\{.*text2img)' || true; }
outcomes >"$TMP/outcomes-before.txt"
before=$(load)
sampler &
SAMPLER=$!
PIDS+=($SAMPLER)
# wrk holds $BURST connections, each sending its next call when the last one is answered: all $BURST in flight at once,
# for several rounds of the fake's delay. (A one-shot burst from a JVM client measured the client: it could not open
# 5,000 connections in 5 s on these 2 cores.)
# Optional CPU profile of the first 10 s (async-profiler's libasyncProfiler.so, e.g. from the Maven Central artifact
# tools.profiler:async-profiler): ASYNC_PROFILER=/path/to/libasyncProfiler.so bench/run.sh
if [ -n "${ASYNC_PROFILER:-}" ]; then
    "$JCMD" "$GW_PID" JVMTI.agent_load "$ASYNC_PROFILER" '"start,event=itimer,interval=1ms"' >/dev/null
    (sleep 10; "$JCMD" "$GW_PID" JVMTI.agent_load "$ASYNC_PROFILER" "\"stop,file=$OUT/burst-profile.collapsed,collapsed\"" \
        >/dev/null) &
fi
wrk -t2 -c"$BURST" -d"${BURST_SECONDS}s" --timeout 60s --latency -s "$BENCH/post.lua" \
    "http://127.0.0.1:$GW_PORT$URL_PATH" >"$OUT/burst-wrk.txt" 2>&1
grep '^RESULT' "$OUT/burst-wrk.txt" | awk '{ e = 0; for (i = 2; i <= NF; i++) if ($i ~ /^err_/) { split($i, kv, "="); e += kv[2] }
    print $0 " errors=" e }' >"$OUT/burst.txt"
kill "$SAMPLER" 2>/dev/null || true
after=$(load)
SLOW_STATS=$(curl -s "http://127.0.0.1:$SLOW_PORT/stats")
sleep $((SLOW_MS / 1000 + 3))  # the calls still in flight when wrk stopped finish before the counters are read
outcomes >"$TMP/outcomes-after.txt"
awk 'NR == FNR { before[$1] = $2; next } { d = $2 - before[$1]; if (d > 0) printf "%d %s\n", d, $1 }' \
    "$TMP/outcomes-before.txt" "$TMP/outcomes-after.txt" | sed 's/application="modelslab-gateway",//' >"$OUT/burst-outcomes.txt"
cp "$TMP/nginx-upstream/error.log" "$OUT/burst-nginx-error.log" 2>/dev/null || true
BURST_LOAD="load_before=${before// /,} load_after=${after// /,}"
PEAK_HEAP=$(sed -n 's/.*heap_used_mib=\([0-9]*\).*/\1/p' "$OUT/burst-samples.txt" | sort -n | tail -1)
LIVE_HEAP=$(sed -n 's/.*live_heap_mib=\([0-9]*\).*/\1/p' "$OUT/burst-live.txt" 2>/dev/null)
LIVE_INFLIGHT=$(sed -n 's/.*gateway_inflight=\([0-9?]*\).*/\1/p' "$OUT/burst-live.txt" 2>/dev/null)
PEAK_RSS=$(sed -n 's/.*rss_mib=\([0-9]*\).*/\1/p' "$OUT/burst-samples.txt" | sort -n | tail -1)
PEAK_CONNS=$(sed -n 's/.*client_connections=\([0-9]*\).*/\1/p' "$OUT/burst-samples.txt" | sort -n | tail -1)
PEAK_GW_INFLIGHT=$(sed -n 's/.*gateway_inflight=\([0-9]*\).*/\1/p' "$OUT/burst-samples.txt" | sort -n | tail -1)
log "burst: $(cat "$OUT/burst.txt") upstream: $SLOW_STATS peak_heap_used_mib=$PEAK_HEAP peak_rss_mib=$PEAK_RSS $(cat "$OUT/burst-live.txt" 2>/dev/null) $BURST_LOAD"
ERRS_IN_LOG=$(grep -c -E 'ERROR|WARN' "$OUT/gateway.log" || true)
OOMS_IN_LOG=$(grep -c OutOfMemoryError "$OUT/gateway.log" || true)

# --- RESULTS.md -----------------------------------------------------------------------------------------------------
r() { field "$2" <"$OUT/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else print "n/a" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
GW_RPS=$(r wrk-gateway.result rps)
NGINX_RPS=$(r wrk-nginx.result rps)
FLOOR=$(awk -v a="$NGINX_RPS" -v b="$PG_TPS" 'BEGIN { print (a < b ? a : b) }')
ADD_P50=$(minus "$(r rate-gateway.result p50)" "$(r rate-direct.result p50)")
ADD_P99=$(minus "$(r rate-gateway.result p99)" "$(r rate-direct.result p99)")
ADD_SENT_P50=$(minus "$(r rate-gateway.result sent_p50)" "$(r rate-direct.result sent_p50)")
ADD_SENT_P99=$(minus "$(r rate-gateway.result sent_p99)" "$(r rate-direct.result sent_p99)")
wrk_row() { echo "| $1 | \`$2\` | $(r "wrk-$1.result" rps) | $(r "wrk-$1.result" p50_ms) | $(r "wrk-$1.result" p99_ms) | $(r "wrk-$1.result" max_ms) | $(r "wrk-$1.result" err_status)/$(r "wrk-$1.result" err_connect)/$(r "wrk-$1.result" err_read)/$(r "wrk-$1.result" err_timeout) | $(r "wrk-$1.result" load_before) → $(r "wrk-$1.result" load_after) |"; }
pg_row() { echo "| $1 | $(r "pgbench-$1.result" tps) | $(r "pgbench-$1.result" latency_avg_ms) | $(sed -n 's/.* rate: \(p50=[^ ]* p90=[^ ]* p99=[^ ]*\).*/\1/p' "$OUT/pgbench-$1.result") | $(sed -n 's/.* statements: //p' "$OUT/pgbench-$1.result") | $(r "pgbench-$1.result" load_before) → $(r "pgbench-$1.result" load_after) |"; }
rate_row() { echo "| $1 | $(r "rate-$1.result" achieved_rps) | $(r "rate-$1.result" p50) | $(r "rate-$1.result" p90) | $(r "rate-$1.result" p99) | $(r "rate-$1.result" p999) | $(r "rate-$1.result" max) | $(r "rate-$1.result" sent_p50) / $(r "rate-$1.result" sent_p99) | $(r "rate-$1.result" errors) | $(r "rate-$1.result" load_before) → $(r "rate-$1.result" load_after) |"; }

cat >"$BENCH/RESULTS.md" <<EOF
# Gateway benchmark results

Generated by \`bench/run.sh\` on $(date -u +%FT%TZ). Anything else running on this 2-core box adds noise, so the
1/5/15-minute load average (\`/proc/loadavg\`) before and after each phase is
recorded next to it. Load generator, fake upstream, nginx, PostgreSQL and the gateway all share the same 2 cores.

\`\`\`
$(cat "$OUT/env.txt")
\`\`\`

PostgreSQL 15 throwaway cluster in \`$TMP\` (on the root disk, not tmpfs), default durability:
fsync on, synchronous_commit on, max_connections 300, max_wal_size 4GB, checkpoint_timeout 15min. Gateway: \`java ${JAVA_OPTS:-} -jar\` ($([ -n "${JAVA_OPTS:-}" ] && echo "JVM flags: ${JAVA_OPTS}" || echo "default JVM flags: heap
up to 1/4 of RAM")), Hikari pool 20 (default), \`--logging.level.root=WARN\`.

## 1. Throughput, closed loop (wrk)

\`${WRK[*]} -d${DURATION}s <url>\` (\`bench/post.lua\`: POST \`{"prompt":"a cat","model_id":"octoflat"}\`,
\`Authorization: Bearer <tenant key>\`, \`Content-Type: application/json\`). The gateway had one identical
${WARMUP}s warm-up run first (JIT). After the measured run, one more run had a 15 s JFR recording (section 6).

| target | url | req/s | p50 ms | p99 ms | max ms | errors non2xx/connect/read/timeout | load avg before → after |
|---|---|---|---|---|---|---|---|
$(wrk_row direct "http://127.0.0.1:$UP_PORT$URL_PATH")
$(wrk_row nginx "http://127.0.0.1:$PROXY_PORT$URL_PATH")
$(wrk_row gateway-warmup "http://127.0.0.1:$GW_PORT$URL_PATH")
$(wrk_row gateway "http://127.0.0.1:$GW_PORT$URL_PATH")
$(wrk_row gateway-many-tenants "http://127.0.0.1:$GW_PORT$URL_PATH ($TENANTS tenants)")
$(wrk_row gateway-profiled "http://127.0.0.1:$GW_PORT$URL_PATH")

## 2. PostgreSQL floor (pgbench, the gateway's own per-call SQL)

\`${PGBENCH[*]} -f <script> postgres\`, then, after \`VACUUM (ANALYZE)\`, the same script at the fixed rate of section
3: \`${PGBENCH_RATE[*]} --log -f <script> postgres\` (4 clients, each call's statements one after the other, latency
per call from its scheduled start; PostgreSQL's own share of a call at that rate, no gateway and no JVM).

- **per-call**: \`bench/per-call.sql\` (written from the gateway's statements by \`PerCallSqlTest\`) = the admission
  (\`QuotaStatements.RESERVE_BY_KEY_HASH\`, which also authenticates the key: a statement that locks the rows and one
  that writes them, in one pipeline and one transaction, as pgJDBC sends them), then \`LedgerStatements.RECORD\`
  (durable) and \`QuotaStatements.APPLY\` (the same way as the admission, asynchronous commit), each its own
  transaction, all on the one \`bench\` tenant row. The gateway groups RECORD and APPLY over
  many calls; pgbench runs them per call.
- **folded**, for comparison, not what the gateway does: the same RESERVE, then \`bench/settle-folded.sql\`, the ledger
  row and the charge in one durable statement. One round trip less per call, but the tenant's quota row stays locked
  until the WAL flush, so the tenant's admissions and other settlements wait for that flush.

| script | calls/s, 32 clients | latency avg ms | per call at $RATE/s, ms | statements at $RATE/s, avg | load avg before → after |
|---|---|---|---|---|---|
$(pg_row per-call)
$(pg_row folded)

State of the bench tenant after the per-call runs: $(cat "$OUT/quota-after-pgbench.txt").

## 3. Added latency at a fixed $RATE req/s

\`java bench/FixedRate.java rate <url> <key> $RATE $RATE_SECONDS $RATE_WARMUP\` (open model: one request every 1/$RATE s on its own
virtual thread, $RATE_WARMUP s unrecorded warm-up, then $RATE_SECONDS s recorded; latency from the scheduled instant, i.e.
corrected for coordinated omission; "sent" = from the actual send). Before these runs, \`VACUUM (ANALYZE)\` and
\`CHECKPOINT\` clean up after the wrk runs (about 100,000 ledger rows and as many dead reservations, which autovacuum
would otherwise process during them), then the box is left idle for ${SETTLE_SECONDS} s.

| target | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | sent p50 / p99 ms | errors | load avg before → after |
|---|---|---|---|---|---|---|---|---|---|
$(rate_row direct)
$(rate_row nginx)
$(rate_row gateway)

Gateway added latency (gateway percentile minus direct percentile; a difference of percentiles, not a percentile of
differences): **p50 $ADD_P50 ms, p99 $ADD_P99 ms** (from send: p50 $ADD_SENT_P50 ms, p99 $ADD_SENT_P99 ms).

The gateway's own histograms over this run (\`/actuator/prometheus\` before and after, \`bench/histogram-delta.py\`;
its $RATE_WARMUP s warm-up included; bucket upper bounds, in ms): \`admission\` (authenticate, check the quotas, reserve: one
statement) and \`settlement\` (the durable ledger row, then the charge) are its time in PostgreSQL, \`added\` is all it
adds around the upstream call until the answer is built (not Tomcat's own reading and writing), \`server\` is Tomcat's
view of the whole request:

\`\`\`
$(cat "$OUT/rate-gateway-phases.txt")
\`\`\`

How long the gateway's threads were blocked on PostgreSQL's answers, from one more run at the same rate with a JFR
recording of every blocking socket read (\`bench/pg-waits.jfc\`, summarised by \`bench/pg-waits.py\`; a statement or a
batch is one read or a few; "per call" divides a thread group's total by the $RATE_CALLS calls of the run, warm-up
included). The admission threads run the admission statement; the settlement writers run the durable ledger batch,
whose wait includes the WAL flush, and then the charge. The recording slows calls down, so this run is not the one
above:

| target | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | sent p50 / p99 ms | errors | load avg before → after |
|---|---|---|---|---|---|---|---|---|---|
$(rate_row gateway-pg-waits)

\`\`\`
$(cat "$OUT/rate-gateway-pg-waits.txt")
\`\`\`

The per-call SQL alone at the same rate, without the gateway (PostgreSQL's own share of a call; section 2):
**$(sed -n 's/.* rate: \(p50=[^ ]* p90=[^ ]* p99=[^ ]*\).*/\1/p' "$OUT/pgbench-per-call.result") ms** per call;
RESERVE, RECORD (durable), APPLY took $(sed -n 's/.* statements: //p' "$OUT/pgbench-per-call.result") on average.

## 4. $BURST calls in flight at once

The same gateway, still warm from the phases above (it was started with \`--modelslab.max-connections=6000\`), Hikari
pool 20. The nginx fake ModelsLab on :$UP_PORT is reloaded to forward every call to \`java bench/SlowUpstream.java $SLOW_PORT
$SLOW_MS\`, which answers after $SLOW_MS ms and counts the calls in flight. After a 200-call warm-up burst
(\`java bench/FixedRate.java burst\`): \`wrk -t2 -c$BURST -d${BURST_SECONDS}s --timeout 60s --latency -s bench/post.lua <gateway url>\`
(closed loop: every connection sends its next call as soon as the last is answered, so $BURST calls are in flight at
once for several rounds of $SLOW_MS ms), sampling
\`jcmd <pid> GC.heap_info\` (used) and \`ps -o rss\` every 0.5 s; once (at ≥ 99 % of $BURST in flight at the gateway or
upstream, or at 12 s) \`jcmd <pid> GC.class_histogram\` (live objects only, after a full GC; kept in
\`bench/out/burst-histogram.txt\`) gives the live heap with the calls in flight.

- client: \`$(cat "$OUT/burst.txt")\`
- upstream: \`$SLOW_STATS\`
- peaks of the 0.5 s samples (\`bench/out/burst-samples.txt\`): $PEAK_CONNS client connections open to the gateway
  (\`ss\`), $PEAK_GW_INFLIGHT calls forwarded and not yet settled (\`gateway_inflight_calls\`),
  $(echo " $SLOW_STATS" | field max_in_flight) at the upstream at once (its own count)
- gateway heap used, peak of samples (includes garbage): **$PEAK_HEAP MiB**; RSS peak **$PEAK_RSS MiB**
- $(cat "$OUT/burst-live.txt" 2>/dev/null || echo "no live-heap sample")
- $BURST_LOAD; WARN/ERROR lines in the gateway log over the whole run: $ERRS_IN_LOG, \`OutOfMemoryError\`: $OOMS_IN_LOG
- what the gateway answered during the burst and the calls still in flight when wrk stopped (its counters, after minus
  before; \`http_server_requests\` by status, \`gateway_calls_total\` by ledger outcome); the fake ModelsLab nginx's error log (whole run) is
  \`bench/out/burst-nginx-error.log\` ($(cat "$OUT/burst-nginx-error.log" 2>/dev/null | grep -c . || true) lines):

\`\`\`
$(cat "$OUT/burst-outcomes.txt")
\`\`\`

## 5. Against the targets

| target | measured | verdict |
|---|---|---|
| gateway throughput ≥ 1,500 req/s with durable accounting | $GW_RPS req/s | $(awk -v a="$GW_RPS" 'BEGIN { print (a >= 1500 ? "met" : "MISSED by " sprintf("%.0f", 1500 - a) " req/s (" sprintf("%.0f", 100 * (1500 - a) / 1500) " %)") }') |
| ≥ 70 % of min(nginx $NGINX_RPS, pgbench floor $PG_TPS) = $FLOOR | $(ratio "$GW_RPS" "$FLOOR") (of nginx: $(ratio "$GW_RPS" "$NGINX_RPS"), of pgbench: $(ratio "$GW_RPS" "$PG_TPS")) | $(awk -v a="$GW_RPS" -v b="$FLOOR" 'BEGIN { print (a >= 0.7 * b ? "met" : "MISSED: needs " sprintf("%.0f", 0.7 * b) " req/s") }') |
| added latency p50 ≤ 1 ms at $RATE req/s | $ADD_P50 ms | $(awk -v a="$ADD_P50" 'BEGIN { print (a <= 1 ? "met" : "MISSED by " sprintf("%.3f", a - 1) " ms") }') |
| added latency p99 ≤ 5 ms at $RATE req/s | $ADD_P99 ms | $(awk -v a="$ADD_P99" 'BEGIN { print (a <= 5 ? "met" : "MISSED by " sprintf("%.3f", a - 5) " ms") }') |
| $BURST in flight, 0 errors | $PEAK_CONNS client connections open at once, $(r burst.txt errors) errors; at most $PEAK_GW_INFLIGHT forwarded and not yet settled (gateway gauge), $(echo " $SLOW_STATS" | field max_in_flight) at the upstream | $([ "$(r burst.txt errors)" = 0 ] && [ "${PEAK_CONNS:-0}" -ge "$BURST" ] && echo "met (0 errors with all $BURST calls outstanding)" || echo MISSED) |
| $BURST in flight, heap < 512 MiB | live $LIVE_HEAP MiB with $LIVE_INFLIGHT calls in flight at the gateway; peak used $PEAK_HEAP MiB (includes garbage not yet collected); JVM flags: ${JAVA_OPTS:-none}; \`OutOfMemoryError\` in the log: $OOMS_IN_LOG | $(awk -v a="${LIVE_HEAP:-99999}" -v o="${OOMS_IN_LOG:-0}" 'BEGIN { print (o > 0 ? "MISSED: out of memory" : a < 512 ? "met (live heap)" : "MISSED by " a - 512 " MiB (live heap)") }') |

## 6. Gateway CPU profile during the gateway-profiled wrk run (JFR, settings=profile, 15 s)

\`jcmd <pid> JFR.start settings=profile duration=15s filename=gw.jfr\`, then \`jfr print --stack-depth 64 --events jdk.ExecutionSample\`.
$(cat "$OUT/jfr-count.txt" 2>/dev/null) execution samples.

Self time by package (top frame of each sample, class name dropped):

\`\`\`
$(cat "$OUT/jfr-self-packages.txt")
\`\`\`

Top frames (self time: the frame on top of each sample):

\`\`\`
$(cat "$OUT/jfr-self.txt")
\`\`\`

Inclusive (every frame of every sample, \`--stack-depth 64\`; the brief's \`grep 'at '\` matches nothing useful because \`jfr print\` writes no "at " prefix):

\`\`\`
$(cat "$OUT/jfr-inclusive.txt")
\`\`\`

Gateway's own frames (inclusive):

\`\`\`
$(cat "$OUT/jfr-gateway-frames.txt")
\`\`\`
EOF
log "wrote $BENCH/RESULTS.md"

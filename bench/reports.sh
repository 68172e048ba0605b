#!/usr/bin/env bash
# The bill-back reports over a month of 10,000,000 calls, timed through the gateway's HTTP API.
#
# Starts a throwaway PostgreSQL 15 cluster and the gateway's jar on it (Flyway builds the schema, V12's partitions
# included), loads BENCH_ROWS calls of one UTC month (the previous one, so every day of it can be sealed) with
# generate_series, then times each report over HTTP with curl, BENCH_RUNS times after one warm-up, twice:
#   1. "ledger": nothing sealed, so each report aggregates the month's calls in the ledger (its partition only);
#   2. "sealed": after report.LedgerRollup summed the month's days (the gateway does it on its own; here its interval is
#      5 s), so each report reads the sums and no call.
# It also keeps EXPLAIN (ANALYZE, BUFFERS) plans of the chargeback and usage statements in both states, the time the
# sealing took, and the machine's load, under bench/out/reports-*.
# Usage: bench/reports.sh   (as root on Debian: PostgreSQL runs as the postgres OS user, as LocalPostgres does)
# Knobs: BENCH_ROWS (10000000), BENCH_TENANTS (50), BENCH_RUNS (5), PG_BIN (/usr/lib/postgresql/15/bin), JAVA_OPTS,
# BENCH_SEALED_ONLY=1 (skip the timings with nothing sealed).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ROWS=${BENCH_ROWS:-10000000}
TENANTS=${BENCH_TENANTS:-50}
RUNS=${BENCH_RUNS:-5}
ADMIN=bench-admin
OUT=$BENCH/out
mkdir -p "$OUT"
MONTH=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)
FROM="${MONTH}-01"
TO=$(date -u -d "$FROM +1 month -1 day" +%F)

log() { echo "[$(date -u +%T)] $*"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

JAR=$(ls "$ROOT"/target/modelslab-gateway-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [[ -z "$JAR" ]]; then
    log "building the jar"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
    JAR=$(ls "$ROOT"/target/modelslab-gateway-*.jar | grep -v original | head -1)
fi

TMP=$(mktemp -d /tmp/reports-bench.XXXXXX)
chmod 755 "$TMP"
PGDATA=$TMP/pg
GW_PID=
cleanup() {
    set +e
    [[ -n "$GW_PID" ]] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null
    [[ -f "$PGDATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# Default settings (shared_buffers 128 MB, work_mem 4 MB, 2 parallel workers per gather), except durability, which
# only speeds up the load: the timed reports only read.
PG_PORT=$(free_port)
install -d -m 700 "$PGDATA"
[[ $EUID -eq 0 ]] && chown postgres "$PGDATA"
as_pg "$PG_BIN/initdb" -D "$PGDATA" -U gateway --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 -o "-p $PG_PORT -k $PGDATA \
    -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_wal_size=8GB" \
    start >/dev/null
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres)
log "PostgreSQL $("${PSQL[@]}" -At -c 'SHOW server_version') on :$PG_PORT; $(nproc) cores, load $(load)"

GW_PORT=$(free_port)
start_gateway() { # extra args
    "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" --server.port="$GW_PORT" --management.server.port=0 \
        --modelslab.api-key=bench-shared-key --gateway.admin-token=$ADMIN --gateway.keys.hmac-secret=bench-hmac \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" --spring.datasource.username=gateway \
        --gateway.reports.rate-limit.burst=100000 --gateway.reports.rate-limit.per-minute=100000 \
        --logging.level.root=WARN --logging.level.com.example.gateway=INFO "$@" >>"$OUT/reports-gateway.log" 2>&1 &
    GW_PID=$!
    for _ in $(seq 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$GW_PORT/v3/api-docs" && return 0
        sleep 0.5
    done
    echo "the gateway did not start; see $OUT/reports-gateway.log" >&2
    exit 1
}
stop_gateway() { kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=; }
: >"$OUT/reports-gateway.log"

log "starting the gateway (Flyway migrates; sealing off)"
start_gateway --gateway.reports.rollup.enabled=false
stop_gateway

# --- data ---------------------------------------------------------------------------------------------------------
# 50 tenants with 3 keys each; 10 cost centres, 5 tenants in none; 8 projects per tenant, a call in 9 without one;
# a "team" tag of 6 values; four models; 5 % upstream_error (free), 2 % timeouts (charged), 14 % processing; 1 to 4
# images; calls spread evenly over the month. Every column filled as the gateway fills it.
log "loading $ROWS calls of $MONTH (load $(load))"
load_start=$(date +%s)
"${PSQL[@]}" -v tenants="$TENANTS" -v rows="$ROWS" -v from="'${FROM}T00:00:00Z'" \
    -v to="'$(date -u -d "$FROM +1 month" +%F)T00:00:00Z'" <<'SQL'
INSERT INTO cost_centre (id, name, monthly_budget_usd, created_at, updated_at)
SELECT 'cc-' || c, 'Cost centre ' || c, 100000, now(), now() FROM generate_series(0, 9) c;
INSERT INTO tenant (id, name, monthly_budget_usd, created_at, updated_at, cost_centre_id)
SELECT 'bench-' || lpad(t::text, 3, '0'), 'Bench tenant ' || t, 50000, now(), now(),
       CASE WHEN t % 10 = 0 THEN NULL ELSE 'cc-' || (t % 10) END
FROM generate_series(1, :tenants) t;
INSERT INTO api_key (id, tenant_id, name, prefix, key_hash, created_at)
SELECT gen_random_uuid(), 'bench-' || lpad(t::text, 3, '0'), 'key ' || k, 'mlg_bench' || k,
       sha256(convert_to(t || '/' || k, 'UTF8')), now()
FROM generate_series(1, :tenants) t, generate_series(1, 3) k;
CREATE TEMP TABLE bench_key AS
SELECT k.tenant_id, k.id, t.cost_centre_id, row_number() OVER (PARTITION BY k.tenant_id ORDER BY k.id) - 1 AS n
FROM api_key k JOIN tenant t ON t.id = k.tenant_id;

INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id, outcome,
                         upstream_status, http_status, images, cost_usd, upstream_latency_ms, prompt_sha256,
                         created_at, settled_at, price_id, unit_price_usd, expected_modelslab_usd, cost_centre_id,
                         project, tags, track_id)
SELECT gen_random_uuid(), k.tenant_id, k.id, c.model, 'text2img', NULL, g::text, c.outcome,
       CASE WHEN c.outcome = 'upstream_timeout' THEN NULL ELSE 200 END,
       CASE c.outcome WHEN 'upstream_error' THEN 502 WHEN 'upstream_timeout' THEN 504 ELSE 200 END,
       c.images, CASE WHEN c.outcome = 'upstream_error' THEN 0 ELSE c.images * 0.0047 END,
       800 + g % 5000, sha256(int4send(g)), c.created_at, c.created_at + interval '4 seconds',
       1, 0.0047, CASE WHEN c.outcome = 'upstream_error' THEN 0 ELSE c.images * 0.0047 END, k.cost_centre_id,
       CASE WHEN g % 9 = 0 THEN NULL ELSE 'project-' || (g % 8) END,
       jsonb_build_object('team', 'team-' || (g % 6)), 'track-' || g
FROM generate_series(1, :rows) g
CROSS JOIN LATERAL (
    SELECT (ARRAY['octoflat', 'premium', 'flat-call', 'sdxl'])[1 + (g / 7) % 4] AS model,
           CASE WHEN g % 20 = 0 THEN 'upstream_error' WHEN g % 50 = 1 THEN 'upstream_timeout'
                WHEN g % 7 = 0 THEN 'processing' ELSE 'success' END AS outcome,
           1 + g % 4 AS images,
           :from::timestamptz + (g - 1) * ((:to::timestamptz - :from::timestamptz) / :rows) AS created_at,
           'bench-' || lpad((1 + g % :tenants)::text, 3, '0') AS tenant_id,
           (g / :tenants) % 3 AS key_n
) c
JOIN bench_key k ON k.tenant_id = c.tenant_id AND k.n = c.key_n;

INSERT INTO ledger_adjustment (id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind, created_at)
SELECT gen_random_uuid(), t.id, t.cost_centre_id, 'project-1', date_trunc('month', :from::timestamptz)::date,
       -1.23456789, 'bench credit', 'manual', now()
FROM tenant t;
VACUUM (ANALYZE) call_ledger, tenant, api_key, ledger_adjustment;
-- Partitioned tables are not analysed by autovacuum; the planner's view of the parent, as production keeps it.
ANALYZE call_ledger;
SQL
log "loaded in $(( $(date +%s) - load_start )) s: $("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM call_ledger)
    || ' calls, ' || pg_size_pretty((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('call_ledger')))
    || ' with indexes, in ' || (SELECT string_agg(DISTINCT tableoid::regclass::text, ', ') FROM call_ledger)")"

# --- timing ---------------------------------------------------------------------------------------------------------
REPORTS=(
    "chargeback (JSON)|/admin/chargeback?month=$MONTH"
    "chargeback (CSV)|/admin/chargeback?month=$MONTH&format=csv"
    "usage groupBy=costCentre,project|/admin/usage?from=$FROM&to=$TO&groupBy=costCentre,project"
    "usage groupBy=tenant (default)|/admin/usage?from=$FROM&to=$TO"
    "usage groupBy=tenant,day,model,key|/admin/usage?from=$FROM&to=$TO&groupBy=tenant,day,model,key"
    "usage costCentre=cc-3 groupBy=tenant,project|/admin/usage?from=$FROM&to=$TO&groupBy=tenant,project&costCentre=cc-3"
    "cost-centre statement cc-3|/admin/cost-centres/cc-3/statement?month=$MONTH"
    "usage groupBy=tag:team|/admin/usage?from=$FROM&to=$TO&groupBy=tag:team"
)
time_reports() { # label
    printf '\n%s (load before: %s)\n%-48s %9s %9s %9s %10s\n' "$1" "$(load)" "report" "min s" "median s" "max s" \
        "bytes"
    for entry in "${REPORTS[@]}"; do
        IFS='|' read -r name path <<<"$entry"
        local times=() size=0
        for run in $(seq 0 "$RUNS"); do
            read -r status seconds size < <(curl -s -o "$OUT/reports-answer" -w '%{http_code} %{time_total} %{size_download}\n' \
                -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$GW_PORT$path")
            [[ "$status" == 200 ]] || { echo "$path: HTTP $status $(head -c 300 "$OUT/reports-answer")" >&2; exit 1; }
            ((run > 0)) && times+=("$seconds")
        done
        printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v size="$size" \
            '{a[NR]=$1} END {printf "%-48s %9.3f %9.3f %9.3f %10d\n", name, a[1], a[int((NR+1)/2)], a[NR], size}'
    done
    curl -s -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$GW_PORT/admin/chargeback?month=$MONTH" \
        | jq -r '"chargeback totalUsd " + .totalUsd + " over " + (.rows | length | tostring) + " rows"'
}
# The statements as the gateway runs them, with the same parameter values, for their plans.
explain() { # label rollupUntil
    local sql
    for file in chargeback usage; do
        sql=$(sed -e "s/:fromDay/'$FROM'::date/g" -e "s/:toDay/'$TO'::date/g" -e "s/:month/'$FROM'::date/g" \
                  -e "s/:rollupUntil/'$2'::date/g" -e "s/:rawFrom/'${2}T00:00:00Z'::timestamptz/g" \
                  -e "s/:from/'${FROM}T00:00:00Z'::timestamptz/g" \
                  -e "s/:to\b/'$(date -u -d "$FROM +1 month" +%F)T00:00:00Z'::timestamptz/g" \
                  -e "s/:byTenant/false/g; s/:byDay/false/g; s/:byModel/false/g; s/:byKey/false/g" \
                  -e "s/:byCostCentre/true/g; s/:byProject/true/g" \
                  -e "s/:tagKey::text/NULL::text/g; s/:tenant::text/NULL::text/g" \
                  -e "s/:costCentre::text/NULL::text/g; s/:project::text/NULL::text/g" \
                  "$ROOT/src/main/resources/reports/$file.sql")
        printf 'EXPLAIN (ANALYZE, BUFFERS)\n%s;\n' \
            "$sql" | "${PSQL[@]}" >"$OUT/reports-explain-$1-$file.txt"
    done
}

if [[ -z "${BENCH_SEALED_ONLY:-}" ]]; then
    start_gateway --gateway.reports.rollup.enabled=false
    time_reports "1. ledger: nothing sealed, every report reads the month's calls" | tee "$OUT/reports-ledger.txt"
    stop_gateway
    explain ledger "$FROM"
fi

log "sealing the month (load $(load))"
seal_start=$(date +%s)
start_gateway --gateway.reports.rollup.interval=5s --gateway.reports.rollup.days-per-run=40
until [[ "$("${PSQL[@]}" -At -c "SELECT sealed_until > '$TO' FROM call_ledger_daily_seal")" == t ]]; do sleep 1; done
log "sealed in $(( $(date +%s) - seal_start )) s (gateway start included): $("${PSQL[@]}" -At -c \
    "SELECT count(*) || ' summed rows for ' || count(DISTINCT day) || ' days' FROM call_ledger_daily")"
time_reports "2. sealed: the month's days read from their sums" | tee "$OUT/reports-sealed.txt"
stop_gateway
explain sealed "$(date -u -d "$TO +1 day" +%F)"
log "plans: $OUT/reports-explain-*.txt; load now $(load)"

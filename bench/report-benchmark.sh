#!/usr/bin/env bash
# Times the report statements of the gateway on a ledger of 1,000,000 calls in one month across 50 tenants.
#
# The statements are read from src/main/resources/reports/*.sql, the files the gateway itself runs, and the schema from
# the Flyway migrations, so what is timed here is what production runs.
#
# Usage:  bench/report-benchmark.sh
#   With BENCH_DATABASE_URL (a libpq URL, e.g. postgresql://user:pw@127.0.0.1:5432/db) it works in a fresh schema
#   report_bench of that database and drops it at the end. Without it, it starts a throwaway cluster from PG_BIN
#   (default /usr/lib/postgresql/15/bin) on 127.0.0.1, as the postgres OS user when run as root, and deletes it after.
# Knobs: BENCH_ROWS (1000000), BENCH_TENANTS (50), BENCH_MONTH (2025-03), BENCH_RUNS (5); BENCH_MIGRATE_TO=1 loads
# the migrations up to V1 only, to see what later ones bring; BENCH_KEEP=1 leaves the database (and a throwaway
# cluster running) for a look with psql, and prints its URL.
# Output: a summary on stdout; EXPLAIN ANALYZE plans and raw timings under bench/out/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SQL_DIR=$ROOT/src/main/resources/reports
MIGRATIONS=$ROOT/src/main/resources/db/migration
OUT=$ROOT/bench/out
ROWS=${BENCH_ROWS:-1000000}
TENANTS=${BENCH_TENANTS:-50}
MONTH=${BENCH_MONTH:-2025-03}
RUNS=${BENCH_RUNS:-5}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
MIGRATE_TO=${BENCH_MIGRATE_TO:-999999}

FROM="${MONTH}-01T00:00:00Z"
TO=$(date -u -d "${MONTH}-01 +1 month" +%Y-%m-%dT00:00:00Z)
mkdir -p "$OUT"

# --- a database to work in -------------------------------------------------------------------------------------------
CLUSTER=""
DB_URL=""
cleanup() {
    if [[ -n "${BENCH_KEEP:-}" ]]; then
        echo "Kept: $DB_URL"
    elif [[ -n "$CLUSTER" ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$CLUSTER"
    elif [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
        psql "$BENCH_DATABASE_URL" -X -q -c 'DROP SCHEMA IF EXISTS report_bench CASCADE' >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

# initdb and postgres refuse to run as root, as LocalPostgres knows too.
as_pg() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    local port
    for port in $(seq 55432 55632); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    echo "no free port in 55432-55632" >&2
    exit 1
}

if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
    DB_URL=$BENCH_DATABASE_URL
    psql "$DB_URL" -X -q -v ON_ERROR_STOP=1 -c 'DROP SCHEMA IF EXISTS report_bench CASCADE' -c 'CREATE SCHEMA report_bench'
    export PGOPTIONS="-c search_path=report_bench"
    echo "Database: BENCH_DATABASE_URL, schema report_bench"
else
    CLUSTER=$(mktemp -d /tmp/report-bench-XXXXXX)
    chmod 755 "$CLUSTER"
    mkdir -m 700 "$CLUSTER/data"
    [[ $EUID -eq 0 ]] && chown postgres "$CLUSTER" "$CLUSTER/data"
    PORT=$(free_port)
    as_pg "$PG_BIN/initdb" -D "$CLUSTER/data" -U bench --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
    # Durability off speeds up the load only; the timed statements read, and PostgreSQL's other settings stay default.
    as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 60 \
        -o "-p $PORT -k $CLUSTER -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >/dev/null
    DB_URL="postgresql://bench@127.0.0.1:$PORT/postgres"
    echo "Database: throwaway cluster from $PG_BIN on 127.0.0.1:$PORT"
fi
PSQL=(psql "$DB_URL" -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -At -c 'SELECT version()'

# --- schema and data -------------------------------------------------------------------------------------------------
loaded=()
for migration in $(cd "$MIGRATIONS" && ls V*__*.sql | sort -V); do
    version=${migration#V}
    version=${version%%__*}
    if ((version <= MIGRATE_TO)); then
        "${PSQL[@]}" -f "$MIGRATIONS/$migration"
        loaded+=("$migration")
    fi
done
echo "Schema: ${loaded[*]}"

load_start=$(date +%s.%N)
"${PSQL[@]}" -v tenants="$TENANTS" -v rows="$ROWS" -v from="'$FROM'" -v to="'$TO'" <<'SQL'
INSERT INTO tenant (id, name, monthly_budget_usd, created_at, updated_at)
SELECT 'bench-' || lpad(t::text, 3, '0'), 'Bench tenant ' || t, 5000, now(), now()
FROM generate_series(1, :tenants) t;

-- Three keys per tenant.
INSERT INTO api_key (id, tenant_id, name, prefix, key_hash, created_at)
SELECT gen_random_uuid(), 'bench-' || lpad(t::text, 3, '0'), 'key ' || k, 'mlg_bench' || k,
       sha256(convert_to(t || '/' || k, 'UTF8')), now()
FROM generate_series(1, :tenants) t, generate_series(1, 3) k;

CREATE TEMP TABLE bench_key AS
SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) - 1 AS n FROM api_key;

-- Calls spread evenly over the month, round-robin over tenants, keys and four models; about 5 % upstream errors
-- (free), 2 % timeouts (charged), 14 % queued (charged), the rest successes; 1 to 4 images each.
INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id, outcome,
                         upstream_status, http_status, images, cost_usd, upstream_latency_ms, prompt_sha256,
                         created_at, settled_at)
SELECT gen_random_uuid(), k.tenant_id, k.id, c.model, 'text2img', NULL, g::text, c.outcome,
       CASE WHEN c.outcome = 'upstream_timeout' THEN NULL ELSE 200 END,
       CASE c.outcome WHEN 'upstream_error' THEN 502 WHEN 'upstream_timeout' THEN 504 ELSE 200 END,
       c.images,
       CASE WHEN c.outcome = 'upstream_error' THEN 0 ELSE c.images * 0.0047 END,
       800 + g % 5000, sha256(int4send(g)), c.created_at, c.created_at + interval '4 seconds'
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

VACUUM (ANALYZE) tenant, api_key, call_ledger;
SQL
load_end=$(date +%s.%N)
"${PSQL[@]}" -At -F ' ' -c "SELECT 'Loaded', count(*), 'ledger rows,', count(DISTINCT tenant_id), 'tenants,',
        pg_size_pretty((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('call_ledger'))), 'with indexes, from', min(created_at), 'to',
        max(created_at) FROM call_ledger"
awk -v s="$load_start" -v e="$load_end" 'BEGIN {printf "Load took %.1f s\n", e - s}'

# --- timing ----------------------------------------------------------------------------------------------------------
# Each statement runs as the gateway runs it: prepared, with bound parameters, and planned for their values
# (plan_cache_mode=force_custom_plan, which the gateway sets for its reports). For comparison it is also timed under
# force_generic_plan: what a cached plan for any parameters would do without that setting.
TENANT="bench-007"
USAGE_TYPES="timestamptz, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, date, date, date, timestamptz, text, text, text, text"
TENANT_TYPES="timestamptz, timestamptz, varchar"
DAYS="false, false, '${FROM%%T*}', '$(date -u -d "${TO%%T*} -1 day" +%F)', '${FROM%%T*}', '$FROM', NULL, NULL, NULL, NULL"
# name | statement file | parameter types | values after from and to (usage: nothing sealed, no tag, no filter)
CASES=(
    "usage groupBy=tenant|usage.sql|$USAGE_TYPES|true, false, false, false, $DAYS"
    "usage groupBy=tenant,day|usage.sql|$USAGE_TYPES|true, true, false, false, $DAYS"
    "usage groupBy=model,key|usage.sql|$USAGE_TYPES|false, false, true, true, $DAYS"
    "usage groupBy=tenant,day,model,key|usage.sql|$USAGE_TYPES|true, true, true, true, $DAYS"
    "statement (one tenant, one month)|statement.sql|$TENANT_TYPES|'$TENANT'"
    "tenant self-service days|tenant-days.sql|$TENANT_TYPES|'$TENANT'"
)

# The statement file with its named parameters turned into positional ones, prepared under a plan cache mode.
prepare() {
    local mode=$1 file=$2 types=$3
    local sql
    if [[ $file == usage.sql ]]; then
        sql=$(sed -e 's/:from\b/$1/g' -e 's/:to\b/$2/g' \
                  -e 's/:byTenant\b/$3/g' -e 's/:byDay\b/$4/g' -e 's/:byModel\b/$5/g' -e 's/:byKey\b/$6/g' \
                  -e 's/:byCostCentre\b/$7/g' -e 's/:byProject\b/$8/g' -e 's/:fromDay\b/$9/g' -e 's/:toDay\b/$10/g' \
                  -e 's/:rollupUntil\b/$11/g' -e 's/:rawFrom\b/$12/g' -e 's/:tagKey\b/$13/g' -e 's/:tenant\b/$14/g' \
                  -e 's/:costCentre\b/$15/g' -e 's/:project\b/$16/g' "$SQL_DIR/$file")
    else
        sql=$(sed -e 's/:from\b/$1/g' -e 's/:to\b/$2/g' -e 's/:tenant\b/$3/g' "$SQL_DIR/$file")
    fi
    printf 'SET plan_cache_mode = %s;\nPREPARE report(%s) AS\n%s;\n' "$mode" "$types" "$sql"
}

# Writes the plan to explain-<slug>.txt and the timings of RUNS executions, after one warm-up, to times-<slug>.txt.
measure() {
    local mode=$1 file=$2 types=$3 execute=$4 slug=$5
    { prepare "$mode" "$file" "$types"; echo "EXPLAIN (ANALYZE, BUFFERS) $execute;"; } \
        | "${PSQL[@]}" >"$OUT/explain-$slug.txt"
    { prepare "$mode" "$file" "$types"; echo '\timing on'; for _ in $(seq 0 "$RUNS"); do echo "$execute;"; done; } \
        | "${PSQL[@]}" -o /dev/null | grep '^Time:' | tail -n "$RUNS" | awk '{print $2}' >"$OUT/times-$slug.txt"
}

printf '\n%-40s %10s %10s %10s %14s %8s\n' "statement" "min ms" "median ms" "max ms" "generic med ms" "rows out"
for case in "${CASES[@]}"; do
    IFS='|' read -r name file types values <<<"$case"
    slug=$(tr 'A-Z' 'a-z' <<<"$name" | tr -c 'a-z0-9\n' '-' | tr -s '-' | sed 's/-$//')
    execute="EXECUTE report('$FROM', '$TO', $values)"
    measure force_custom_plan "$file" "$types" "$execute" "$slug"
    measure force_generic_plan "$file" "$types" "$execute" "generic-$slug"
    rows_out=$({ prepare force_custom_plan "$file" "$types"; echo "$execute;"; } | "${PSQL[@]}" -At | wc -l)
    stats=$(sort -n "$OUT/times-$slug.txt" \
        | awk '{a[NR]=$1} END {printf "%10.1f %10.1f %10.1f", a[1], a[int((NR+1)/2)], a[NR]}')
    generic=$(sort -n "$OUT/times-generic-$slug.txt" | awk '{a[NR]=$1} END {printf "%14.1f", a[int((NR+1)/2)]}')
    printf '%-40s %s %s %8s\n' "$name" "$stats" "$generic" "$rows_out"
done
echo
echo "Plans: $OUT/explain-*.txt; machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

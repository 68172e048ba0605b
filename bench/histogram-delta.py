"""Percentiles of the gateway's own latency histograms between two /actuator/prometheus scrapes.

python3 bench/histogram-delta.py BEFORE AFTER  ->  one line per histogram: name count p50 p90 p99 (ms, bucket upper
bounds, so each is an upper estimate within one bucket).
"""
import re
import sys
from collections import defaultdict

HISTOGRAMS = {
    "gateway_added_latency_seconds_bucket": "added",
    "gateway_upstream_latency_seconds_bucket": "upstream",
    "gateway_admission_latency_seconds_bucket": "admission",
    "gateway_settlement_latency_seconds_bucket": "settlement",
    "http_server_requests_seconds_bucket": "server",
}
DEBUG = re.compile(r'^gateway_debug_(\w+)_seconds_bucket$')
LINE = re.compile(r'^(\w+)\{(.*)\} (\S+)$')


def buckets(path):
    found = defaultdict(dict)
    for line in open(path):
        match = LINE.match(line.strip())
        if not match:
            continue
        debug = DEBUG.match(match.group(1))
        if match.group(1) not in HISTOGRAMS and not debug:
            continue
        name = debug.group(1) if debug else HISTOGRAMS[match.group(1)]
        labels = match.group(2)
        if match.group(1).startswith("http_server") and 'uri="/api/v6/images/text2img"' not in labels:
            continue
        le = re.search(r'le="([^"]+)"', labels).group(1)
        found[name][float("inf") if le == "+Inf" else float(le)] = float(match.group(3))
    return found


def percentile(cumulative, total, q):
    for le, count in cumulative:
        if count >= q * total:
            return le * 1000
    return float("inf")


before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
parts = []
for name, counts in after.items():
    delta = sorted((le, counts[le] - before.get(name, {}).get(le, 0)) for le in counts)
    total = delta[-1][1]
    if total:
        parts.append(f"{name} n={int(total)} p50<={percentile(delta, total, .5):.2f} "
                     f"p90<={percentile(delta, total, .9):.2f} p99<={percentile(delta, total, .99):.2f}")
print("; ".join(parts))

#!/usr/bin/env python3
"""Summarises a JFR recording made with bench/pg-waits.jfc: the gateway's waits for PostgreSQL's answers.

    jfr print --json --events jdk.SocketRead rec.jfr | bench/pg-waits.py <postgres port> <calls>

One line per gateway thread group (admission, settlement-writer, ...): how many reads from PostgreSQL's port, their
p50/p90/p99 in ms, and the total wait per call (all of that group's read time divided by the calls answered).
"""
import json
import re
import sys


def seconds(iso):
    # JFR durations print as ISO-8601, e.g. PT0.000512S or PT1.2S
    match = re.fullmatch(r"PT(?:(\d+)M)?([\d.]+)S", iso)
    return (int(match.group(1) or 0) * 60 + float(match.group(2))) if match else 0.0


def percentile(values, p):
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


port, calls = int(sys.argv[1]), int(sys.argv[2])
groups = {}
for event in json.load(sys.stdin)["recording"]["events"]:
    values = event["values"]
    if values.get("port") != port:
        continue
    thread = (values.get("eventThread") or {}).get("javaName") or "?"
    groups.setdefault(re.sub(r"-?\d+$", "", thread), []).append(seconds(values["duration"]) * 1000)
for group, waits in sorted(groups.items(), key=lambda item: -sum(item[1])):
    waits.sort()
    print(f"{group}: reads={len(waits)} p50={percentile(waits, .5):.3f} p90={percentile(waits, .9):.3f} "
          f"p99={percentile(waits, .99):.3f} ms; total per call {sum(waits) / max(calls, 1):.3f} ms")

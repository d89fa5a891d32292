#!/usr/bin/env python3
"""Turns load-and-fault.sh's results.jsonl into the Markdown tables of docs/benchmarks.md."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
load = [r for r in rows if r["kind"] == "load"]

print("| batching | clients | requests | requests/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | RSS before → after (MiB) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in load:
    w = r["wrk"]
    errors = w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
    print(f"| {'on' if r['batching'] else 'off'} | {r['clients']} | {w['requests']:,} | {w['rps']:.1f} | {w['p50_ms']:.0f} | {w['p95_ms']:.0f} | "
          f"{w['p99_ms']:.0f} | {w['non2xx']} | {errors} | {r['rss_before_mib']} → {r['rss_after_mib']} |")

by = {(r["batching"], r["clients"]): r["wrk"]["rps"] for r in load}
ratios = [f"{c} clients: {by[(True, c)] / by[(False, c)]:.2f}×" for (b, c) in by if b and (False, c) in by and by[(False, c)] > 0]
if ratios:
    print()
    print("Requests/s with batching on ÷ off: " + ", ".join(ratios) + ".")

stops = [r for r in rows if r["kind"] == "stop"]
if stops:
    print()
    print("Exit code after SIGTERM at the end of each load run: " + ", ".join(f"batching {'on' if r['batching'] else 'off'}: {r['exit_code']}" for r in stops) + ".")

faults = [r for r in rows if r["kind"] == "fault"]
if faults:
    print()
    print("| fault | what the server did | a valid request right after | RSS MiB |")
    print("|---|---|---|---|")
    for r in faults:
        print(f"| {r['fault']} | `{json.dumps(r['result'])}` | {r.get('valid_request_after', '—')} | {r.get('rss_mib', '—')} |")
summary = [r for r in rows if r["kind"] == "fault-summary"]
for r in summary:
    print()
    print(f"Faults: RSS {r['rss_start_mib']} → {r['rss_end_mib']} MiB; 5xx responses outside the health probes in the server's metrics: {r['status_5xx_lines']} series.")

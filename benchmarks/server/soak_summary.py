#!/usr/bin/env python3
"""Turns the results of soak.sh (samples.jsonl, bursts.jsonl, wrk.json, metrics.txt) into the Markdown of docs/benchmarks.md.

  soak_summary.py OUT_DIR
"""
import json
import os
import re
import statistics
import sys

out = sys.argv[1]
samples = [json.loads(line) for line in open(os.path.join(out, "samples.jsonl")) if line.strip()]
bursts = [json.loads(line) for line in open(os.path.join(out, "bursts.jsonl")) if line.strip()] if os.path.exists(os.path.join(out, "bursts.jsonl")) else []
def at(t):
    """The last sample at or before t seconds."""
    before = [s for s in samples if s["t"] <= t]
    return before[-1] if before else samples[0]


wrk = json.load(open(os.path.join(out, "wrk.json"))) if os.path.getsize(os.path.join(out, "wrk.json")) else None
duration = int(os.environ.get("DURATION", "1200"))
minutes_total = max(1, duration // 60)


def counts_at(t):
    """The server's /v1/rerank answers by class up to t seconds, from the last sample at or before it."""
    s = at(t)
    return {"2xx": s.get("rerank_2xx") or 0, "429": s.get("rerank_429") or 0, "other": s.get("rerank_other") or 0}


def mib(v):
    return "—" if v is None else f"{v:,}"


burst_minutes = set()
for b in bursts:
    burst_minutes.update(range(b["t"] // 60, (b["t"] + b.get("seconds", 0)) // 60 + 1))
per_minute = []
for m in range(minutes_total):
    a, b = counts_at(60 * m), counts_at(60 * (m + 1))
    per_minute.append({k: b[k] - a[k] for k in a})
print("| minute | RSS MiB | .NET heap / committed MiB | native in use / free MiB | arenas | 2xx/s | 429 | other non-2xx | load (1 min) |")
print("|---|---|---|---|---|---|---|---|---|")
for m in range(minutes_total):
    s = at(60 * (m + 1))
    c = per_minute[m]
    mark = " (burst)" if m in burst_minutes else ""
    counted = "rerank_2xx" in s   # the samples of runs before the server's counts were sampled have none
    print(f"| {m}-{m + 1}{mark} | {mib(s['rss_mib'])} | {mib(s['gc_heap_mib'])} / {mib(s['gc_committed_mib'])} | {mib(s['native_in_use_mib'])} / {mib(s['native_free_mib'])} | "
          f"{s['native_arenas'] if s['native_arenas'] is not None else '—'} | {c['2xx'] / 60:.1f} | {c['429']} | {c['other']} | {s['load1']} |" if counted else
          f"| {m}-{m + 1}{mark} | {mib(s['rss_mib'])} | {mib(s['gc_heap_mib'])} / {mib(s['gc_committed_mib'])} | {mib(s['native_in_use_mib'])} / {mib(s['native_free_mib'])} | "
          f"{s['native_arenas'] if s['native_arenas'] is not None else '—'} | — | — | — | {s['load1']} |")
print()
print(f"Peak RSS sampled: {max(s['rss_mib'] for s in samples):,} MiB; at start {samples[0]['rss_mib']:,} MiB; at the end {samples[-1]['rss_mib']:,} MiB.")
if bursts:
    print()
    print("| burst at | RSS before → after (MiB) | statuses |")
    print("|---|---|---|")
    for b in bursts:
        print(f"| {b['t'] // 60} min | {b['rss_before_mib']:,} → {b['rss_after_mib']:,} | {', '.join(f'{k}: {v}' for k, v in sorted(b['result']['statuses'].items()))} |")

# Goals (issue 30).
print()
end = counts_at(10 ** 9)
answers = sum(end.values())
socket_errors = wrk["connect_errors"] + wrk["read_errors"] + wrk["write_errors"] + wrk["timeouts"] if wrk else None
rates = [c["2xx"] / 60 for c in per_minute]
first, last = rates[:5], rates[-5:]
spread = (min(rates), max(rates), statistics.pstdev(rates) / statistics.mean(rates) if statistics.mean(rates) else 0)
goals = []
if len(bursts) >= 2:
    b5, b_last = bursts[0], bursts[-1]
    ratio = b_last["rss_before_mib"] / b5["rss_before_mib"]
    goals.append(f"RSS before the last burst (minute {b_last['t'] / 60:.0f}) ÷ before the first (minute {b5['t'] / 60:.0f}): "
                 f"{b_last['rss_before_mib']:,} / {b5['rss_before_mib']:,} MiB = {ratio:.2f} ({'met' if ratio <= 1.10 else 'missed'}: goal ≤ 1.10)")
goals.append(f"the server's /v1/rerank answers (wrk and bursts): {answers:,}; 2xx {end['2xx']:,}, 429 {end['429']:,} "
             f"({100 * end['429'] / max(1, answers):.2f}%: {'met' if end['429'] < 0.05 * answers else 'missed'}, goal < 5%), "
             f"other non-2xx (499 = the client left first) {end['other']:,}; wrk: {wrk['requests'] if wrk else '—'} answers, "
             f"{wrk['non2xx'] if wrk else '—'} non-2xx, socket errors {socket_errors} (of them timeouts at 120 s: {wrk['timeouts'] if wrk else '—'})")
if len(rates) >= 10:
    r = statistics.mean(last) / statistics.mean(first) if statistics.mean(first) else 0
    goals.append(f"2xx requests/s (the server's count), minutes {minutes_total - 5}-{minutes_total} ÷ minutes 0-5: {statistics.mean(last):.1f} / {statistics.mean(first):.1f} = {r:.2f} "
                 f"({'met' if abs(r - 1) <= 0.10 else 'outside 10%'}); one-minute windows ranged {spread[0]:.1f}-{spread[1]:.1f} requests/s "
                 f"(coefficient of variation {100 * spread[2]:.0f}%)")
exit_code = json.load(open(os.path.join(out, "exit.json")))["exit_code"] if os.path.exists(os.path.join(out, "exit.json")) else None
metrics = open(os.path.join(out, "metrics.txt")).read() if os.path.exists(os.path.join(out, "metrics.txt")) else ""
server_5xx = sum(int(float(v)) for v in re.findall(r'^iranker_http_requests_total\{route="/v1/rerank",method="POST",status="5\d\d"\} (\S+)', metrics, re.M))
goals.append(f"5xx in the server's own counts (wrk and bursts): {server_5xx}; exit code after SIGTERM: {exit_code}")
for g in goals:
    print(f"- {g}")

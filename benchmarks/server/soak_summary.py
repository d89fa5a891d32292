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
wrk = json.load(open(os.path.join(out, "wrk.json")))
minutes_total = max(1, round(wrk["seconds"] / 60))
per_minute = {}
for m, counts in wrk["minutes"].items():
    m = min(int(m), minutes_total - 1)   # answers that came in after the last full minute count in it
    for status, n in counts.items():
        per_minute.setdefault(m, {}).setdefault(status, 0)
        per_minute[m][status] += n


def ok(counts):
    return sum(n for s, n in counts.items() if s.startswith("2"))


def at(t):
    """The last sample at or before t seconds."""
    before = [s for s in samples if s["t"] <= t]
    return before[-1] if before else samples[0]


def mib(v):
    return "—" if v is None else f"{v:,}"


print("| minute | RSS MiB | .NET heap / committed MiB | native in use / free MiB | arenas | 2xx/s (wrk) | 429 | other non-2xx | load (1 min) |")
print("|---|---|---|---|---|---|---|---|---|")
for m in range(minutes_total):
    s = at(60 * (m + 1) - 1)
    counts = per_minute.get(m, {})
    other = sum(n for st, n in counts.items() if not st.startswith("2") and st != "429")
    print(f"| {m}-{m + 1} | {mib(s['rss_mib'])} | {mib(s['gc_heap_mib'])} / {mib(s['gc_committed_mib'])} | {mib(s['native_in_use_mib'])} / {mib(s['native_free_mib'])} | "
          f"{s['native_arenas'] if s['native_arenas'] is not None else '—'} | {ok(counts) / 60:.1f} | {counts.get('429', 0)} | {other} | {s['load1']} |")
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
total = {}
for counts in per_minute.values():
    for s, n in counts.items():
        total[s] = total.get(s, 0) + n
answers = sum(total.values())
other = {s: n for s, n in total.items() if not s.startswith("2") and s != "429"}
socket_errors = wrk["connect_errors"] + wrk["read_errors"] + wrk["write_errors"] + wrk["timeouts"]
rates = [ok(per_minute.get(m, {})) / 60 for m in range(minutes_total)]
first, last = rates[:5], rates[-5:]
spread = (min(rates), max(rates), statistics.pstdev(rates) / statistics.mean(rates) if statistics.mean(rates) else 0)
goals = []
if len(bursts) >= 2:
    b5, b_last = bursts[0], bursts[-1]
    ratio = b_last["rss_before_mib"] / b5["rss_before_mib"]
    goals.append(f"RSS before the burst at minute {b_last['t'] // 60} ÷ before the burst at minute {b5['t'] // 60}: "
                 f"{b_last['rss_before_mib']:,} / {b5['rss_before_mib']:,} MiB = {ratio:.2f} ({'met' if ratio <= 1.10 else 'missed'}: goal ≤ 1.10)")
goals.append(f"wrk's answers: {answers:,}, of them 2xx {sum(n for s, n in total.items() if s.startswith('2')):,}, 429 {total.get('429', 0):,} "
             f"({100 * total.get('429', 0) / max(1, answers):.2f}%: {'met' if total.get('429', 0) < 0.05 * answers else 'missed'}, goal < 5%), "
             f"other non-2xx {sum(other.values())} {json.dumps(other) if other else ''}, socket errors {socket_errors} "
             f"({'met' if not other and socket_errors == 0 else 'missed'}: goal none)")
if len(rates) >= 10:
    r = statistics.mean(last) / statistics.mean(first) if statistics.mean(first) else 0
    goals.append(f"2xx requests/s, minutes {minutes_total - 5}-{minutes_total} ÷ minutes 0-5: {statistics.mean(last):.1f} / {statistics.mean(first):.1f} = {r:.2f} "
                 f"({'met' if abs(r - 1) <= 0.10 else 'outside 10%'}); one-minute windows ranged {spread[0]:.1f}-{spread[1]:.1f} requests/s "
                 f"(coefficient of variation {100 * spread[2]:.0f}%)")
exit_code = json.load(open(os.path.join(out, "exit.json")))["exit_code"] if os.path.exists(os.path.join(out, "exit.json")) else None
metrics = open(os.path.join(out, "metrics.txt")).read() if os.path.exists(os.path.join(out, "metrics.txt")) else ""
server_5xx = sum(int(float(v)) for v in re.findall(r'^iranker_http_requests_total\{route="/v1/rerank",method="POST",status="5\d\d"\} (\S+)', metrics, re.M))
goals.append(f"5xx in the server's own counts (wrk and bursts): {server_5xx}; exit code after SIGTERM: {exit_code}")
for g in goals:
    print(f"- {g}")

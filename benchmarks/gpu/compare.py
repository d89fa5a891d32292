#!/usr/bin/env python3
"""Turns the JSON lines of a gpu check run (ours and the Hugging Face peer's) into a Markdown summary.

Usage: python3 compare.py RESULTS.jsonl > comparison.md
Checks: every line with "part" and "pass". Speed: our rankings/s (Answer and Choice, with and without prefix reuse)
beside the peer's (its generate loop for Answer, its one forward per step for Choice) at each shape, and the ratio.
Standard library only, so it runs where torch is absent.
"""
import json, sys


def load(path):
    lines = []
    with open(path, encoding='utf-8') as f:
        for raw in f:
            raw = raw.strip()
            if raw.startswith('{'):
                try:
                    lines.append(json.loads(raw))
                except json.JSONDecodeError:
                    pass
    return lines


def fmt(x, digits=3):
    return 'n/a' if x is None else f'{x:.{digits}f}'


def main():
    lines = load(sys.argv[1])
    out = []
    runtime = next((l for l in lines if l.get('part') == 'runtime'), {})
    peers = {l['shape']: l for l in lines if l.get('peer')}
    device = runtime.get('gpu') or runtime.get('device') or 'unknown'
    out.append(f"Device: {device}; libtorch: {runtime.get('libtorch', 'n/a')}; bf16 matmul check: {runtime.get('matmul_tflops', 'n/a')} TFLOP/s ({runtime.get('matmul', '')}).")
    if peers:
        p = next(iter(peers.values()))
        out.append(f"Peer: transformers {p.get('transformers')}, torch {p.get('torch')} on {p.get('device')}.")
    out.append('')
    out.append('| check | case | result |')
    out.append('|---|---|---|')
    seen_runtime = False
    for l in lines:
        part = l.get('part')
        if part is None or part == 'ranking' or (part == 'runtime' and seen_runtime and l.get('pass')):
            continue   # one runtime row (each .NET invocation reports it; a failed one is always shown)
        seen_runtime |= part == 'runtime'
        case = l.get('case') or l.get('shape') or ''
        detail = ''
        if part.startswith('golden'):
            detail = f" (max diff {l.get('relative_difference')} of max logit, tolerance {l.get('relative_tolerance')})"
        elif part == 'tokenizer':
            detail = f" ({l.get('ids_equal')}/{l.get('cases')} encodings equal)"
        elif part == 'training':
            detail = f" ({l.get('seconds_per_step')} s/step, {l.get('tokens_per_s')} tokens/s, peak GPU memory {l.get('gpu_memory_peak_mib', 'n/a')} MiB)"
        elif l.get('error'):
            detail = f" ({l['error']})"
        out.append(f"| {part} | {case} | {'PASS' if l.get('pass') else 'FAIL'}{detail} |")
    failed = [l for l in lines if l.get('part') and not l.get('pass')]
    out.append('')
    out.append(f"Checks: {'all passed' if not failed else str(len(failed)) + ' failed'}.")
    out.append('')
    out.append('| shape | ours: mode, prefix reuse | ours rankings/s | peer loop | peer rankings/s | ours / peer |')
    out.append('|---|---|---|---|---|---|')
    ours = [l for l in lines if l.get('part') == 'ranking' and 'rankings_per_s' in l]
    for shape in dict.fromkeys(l['shape'] for l in ours):
        peer = peers.get(shape, {})
        for mode, loop, key in (('Answer', 'generate loop', 'generate_rankings_per_s'), ('Choice', 'one forward per step', 'forward_rankings_per_s')):
            for reuse in (False, True):
                l = next((x for x in ours if x['shape'] == shape and x['mode'] == mode and x['prefix_reuse'] == reuse), None)
                if l is None:
                    continue
                theirs = peer.get(key)
                ratio = l['rankings_per_s'] / theirs if theirs else None
                out.append(f"| {shape} | {mode}, {'yes' if reuse else 'no'} | {fmt(l['rankings_per_s'])} | {loop} | {fmt(theirs)} | {fmt(ratio, 2)} |")
    print('\n'.join(out))


if __name__ == '__main__':
    main()

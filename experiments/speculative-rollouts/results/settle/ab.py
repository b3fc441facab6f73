"""The alternating A/B of `bench rollout` JSON files here: per run, the adaptive and fixed rows (overall / full /
draining speedup, share of speculative steps); per set, the median, and the extra time the adaptive engine spent per
live-row bucket against the plain engine's rate in that bucket (pooled over the set's runs).
Usage: /usr/bin/python3 ab.py PREFIX...   (e.g. tiny-base tiny3-landed deep3-base)"""
import glob
import json
import math
import statistics as st
import sys
from collections import defaultdict


def bucket(live):
    return 0 if live <= 1 else math.ceil(math.log2(live))


for prefix in sys.argv[1:]:
    files = sorted(glob.glob(f'{prefix}-*.json'), key=lambda f: int(f.rsplit('-', 1)[1].split('.')[0]))
    overall, extra = [], defaultdict(lambda: [0.0, 0, 0.0])
    for f in files:
        rows = json.load(open(f))['rows']
        plain = next(r for r in rows if r['method'] == 'plain')
        adaptive = next(r for r in rows if r['adaptive'])
        fixed = next(r for r in rows if r['draft_tokens'] > 0 and not r['adaptive'])
        overall.append(adaptive['speedup'])
        print(f"{f}: adaptive {adaptive['speedup']:.2f} / {adaptive['full_speedup']:.2f} / {adaptive['draining_speedup']:.2f} "
              f"({adaptive['speculative_step_share']:.0%} speculative), fixed {fixed['speedup']:.2f}")
        for b in range(8):
            p = [x for x in plain['live_batch'] if bucket(x['live']) == b]
            a = [x for x in adaptive['live_batch'] if bucket(x['live']) == b]
            plain_seconds = sum(x['seconds'] for x in p)
            if plain_seconds == 0:
                continue
            rate = sum(x['tokens'] for x in p) / plain_seconds
            extra[b][0] += sum(x['seconds'] for x in a) - sum(x['tokens'] for x in a) / rate
            extra[b][1] += sum(x['speculative_steps'] for x in a)
            extra[b][2] += plain_seconds
    names = {0: '1', 1: '2', 2: '3-4', 3: '5-8', 4: '9-16', 5: '17-32', 6: '33-64'}
    print(f"{prefix}: median {st.median(overall):.2f}x over {len(files)} runs; extra time by live rows (speculative steps):",
          '  '.join(f"{names[b]}: {v[0] / v[2]:+.0%} ({v[1]})" for b, v in sorted(extra.items())))

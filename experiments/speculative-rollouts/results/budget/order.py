"""Carry-over between interleaved runs in `bench rollout` logs: per repeat, the adaptive engine's rate over plain's,
grouped by which method ran just before each of them (the JSON pools repeats, so this reads the logs' per-repeat lines).
Usage: /usr/bin/python3 order.py LOG...   (e.g. ab1/tiny-base-*.log)"""
import re
import statistics as st
import sys
from collections import defaultdict

groups = defaultdict(list)
for path in sys.argv[1:]:
    runs = []
    for line in open(path):
        m = re.search(r'(repeat|warm-up) (\d+)/\d+: (.*?) (\d+) tokens/s', line)
        if m:
            runs.append((m.group(1), int(m.group(2)), m.group(3), float(m.group(4))))
    for i, (kind, rep, name, rate) in enumerate(runs):
        if kind != 'repeat' or 'adaptive' not in name or i == 0:
            continue
        j = next(j for j, r in enumerate(runs) if r[:2] == (kind, rep) and r[2] == 'plain')
        if j == 0:
            continue
        groups[(runs[i - 1][2].split()[-1], runs[j - 1][2].split()[-1])].append(rate / runs[j][3])

for (adaptive_after, plain_after), ratios in sorted(groups.items()):
    print(f"adaptive after {adaptive_after:8s} plain after {plain_after:8s} n {len(ratios):3d}  median adaptive/plain {st.median(ratios):.3f}")

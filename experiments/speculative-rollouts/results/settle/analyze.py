"""Reads the instrumented build's logs (instrumented.patch: OBS = one controller observation at 33-64 live rows, DEC = one
decision in that bucket, CPU = one repeat's rate) and prints (1) plain-step time at 60-64 rows by how many plain steps
it came after the last speculative one, and (2) per repeat, the adaptive engine's rate over plain's.
Usage: /usr/bin/python3 analyze.py LOG.gz..."""
import gzip
import statistics as st
import sys
from collections import defaultdict


def since_table(lines):
    since, by = None, defaultdict(list)
    for line in lines:
        if not line.startswith('OBS'):
            continue
        d = dict(x.split('=') for x in line.split()[1:])
        if int(d['k']) > 0:
            since = 0
            continue
        if since is None:
            continue
        since += 1
        if int(d['live']) >= 60:
            by[since if since <= 4 else (5 if since <= 8 else (9 if since <= 16 else 17))].append(float(d['ms']))
    names = {5: '5-8', 9: '9-16', 17: '17+'}
    return '  '.join(f"{names.get(b, b)}: n {len(v)} LQ {st.quantiles(v, n=4)[0]:.2f} ms median {st.median(v):.2f}"
                     for b, v in sorted(by.items()) if len(v) >= 4)


def repeat_ratios(lines):
    rates = defaultdict(dict)
    for line in lines:
        if line.startswith('CPU '):
            _, rep, rest = line.split(' ', 2)
            name, wall, _ = rest.strip().split('|')
            rates[int(rep)][name] = int(wall)
    ratios = [v['eagle k=4 adaptive'] / v['plain'] for r, v in sorted(rates.items()) if r >= 3 and 'plain' in v]
    return f"{' '.join(f'{x:.2f}' for x in ratios)}  median {st.median(ratios):.3f}" if ratios else 'none'


for path in sys.argv[1:]:
    lines = gzip.open(path, 'rt').read().splitlines()
    print(path)
    print('  plain step at 60-64 rows by plain steps since speculation:', since_table(lines))
    print('  adaptive / plain per repeat:', repeat_ratios(lines))

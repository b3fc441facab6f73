import sys,statistics as st
runs=[];cur=None
for line in open(sys.argv[1]):
    if line.startswith('#'):
        cur=(line.strip(),[]); runs.append(cur); continue
    if line[0] in 'DR': continue
    f=line.rstrip('\n').split('\t')
    cur[1].append((int(f[0]),int(f[1]),float(f[3]),float(f[4]),[float(x) for x in f[9:13]]))
groups={}
for name,steps in runs:
    if 'adaptive' not in name: continue
    since=99
    for s in steps:
        if s[1]>0: since=0; continue
        since+=1
        key=min(since,6)
        groups.setdefault(key,[]).append(s)
for key in sorted(groups):
    v=groups[key]
    # normalise by live: use time per step / live-specific? just show for live>=33
    for lo,hi in ((33,64),(1,32)):
        w=[x for x in v if lo<=x[0]<=hi]
        if not w: continue
        print(f"plain step #{key} after spec, live {lo}-{hi}: n={len(w)} med total {st.median(x[2]-x[3] for x in w):.2f} verify {st.median(x[4][1] for x in w):.2f} draft {st.median(x[4][0] for x in w):.2f} sample {st.median(x[4][2] for x in w):.2f} mean live {st.mean(x[0] for x in w):.1f}")

import sys,collections,statistics as st
cur=None; rows=collections.defaultdict(list); rep=None
for line in open(sys.argv[1]):
    if line.startswith('#'):
        _,r,*m=line.split(); rep=int(r); cur=' '.join(m); continue
    if rep<3 or line.startswith(('R','D')): continue
    f=line.split('\t')
    live,k,res=int(f[0]),int(f[1]),int(f[2]); sec=float(f[3]); adm=float(f[4]); admd=float(f[5]); em=int(f[6]); gap=int(f[8])
    b=0 if live<=1 else (live-1).bit_length()
    rows[(cur,b,k,res)].append((sec,adm,admd,em,live,gap,[float(x) for x in f[9:13]]))
for key in sorted(rows):
    v=rows[key]
    secs=[x[0] for x in v]; 
    print(f"{key[0]:20s} b{key[1]} k{key[2]} r{key[3]} n={len(v):4d} med {st.median(secs):7.2f}ms mean {st.mean(secs):7.2f} adm {st.mean(x[1] for x in v):5.2f} admd {st.mean(x[2] for x in v):5.2f} tok/row-step {sum(x[3] for x in v)/sum(x[4] for x in v):4.2f} gapped {sum(max(x[5],0) for x in v)/max(1,sum(x[4] for x in v)):4.2f} dr/ve/sa/ot {' '.join(f'{st.mean(x[6][i] for x in v):5.2f}' for i in range(4))}")

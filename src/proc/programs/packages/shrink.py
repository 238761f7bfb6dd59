import sys
lines=open(sys.argv[1]).read().split('\n')
head=[l for l in lines if l.startswith('#')]
rows=[l.split('\t') for l in lines if l and not l.startswith(('#','@'))]
plans=[l for l in lines if l.startswith('@')]
used=set()
for r in rows:
    for f in (r[9],r[10],r[11],r[12]):
        for g in f.split(','):
            for a in g.split('|'):
                if a: used.add(a)
names=[r[0] for r in rows]
assert names==sorted(names)
idx={n:i for i,n in enumerate(names)}
for r in rows:
    r[13]=','.join(p for p in r[13].split(',') if p in used and p not in idx)
def b36(n):
    s='';
    while True:
        s='0123456789abcdefghijklmnopqrstuvwxyz'[n%36]+s; n//=36
        if n==0: return s
out=[]
for p in plans:
    name,rec,steps=p[1:].split('\t')
    enc=[]
    for st in steps.split(';'):
        w=st.split(' ')
        enc.append(w[0]+' '+' '.join(b36(idx[x]) for x in w[1:]))
    out.append('@'+name+'\t'+rec+'\t'+';'.join(enc))
head=[h if not h.startswith('# plans') else h for h in head]
with open(sys.argv[2],'w') as o:
    for h in head[:3]: o.write(h+'\n')
    for r in rows: o.write('\t'.join(r)+'\n')
    o.write('# plans: package, rec|norec, apt-get -s steps (U unpack, C configure; packages by base-36 line index) before the final dpkg --configure --pending\n')
    for p in out: o.write(p+'\n')

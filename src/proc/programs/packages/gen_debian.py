#!/usr/bin/env python3
"""Generates the package table of one distribution for dockling's apt simulation:
`gen_debian.py bookworm debian-bookworm.txt` (from this machine's apt lists, Debian 12) or
`gen_debian.py noble ubuntu-noble.txt` (from a `debootstrap --variant=minbase noble` chroot at
/tmp/ub/noble-base, dist-upgraded, with the Ubuntu image's apt.conf.d/docker-* files), plus
`apt-get -s` simulations against the image's dpkg status and the .debs' file lists
(`apt-get download` + `dpkg-deb -c`). See the header written into the output; then run
shrink.py over it."""
import re, subprocess, glob, os, sys
DISTRO = sys.argv[1]
if DISTRO == 'noble':
    W, RUN, STATUS, TITLE = '/tmp/ubpkg', ['chroot', '/tmp/ub/noble-base'], '/tmp/ub/noble.status', 'Ubuntu 24.04 (noble)'
else:
    W, RUN, STATUS, TITLE = '/tmp/pkg', [], '/tmp/pkg/debian-bookworm.status', 'Debian 12 (bookworm)'
top = open(f'{W}/top.txt').read().split()

def show(name, ver=None):
    # the image's docker-clean disables apt's binary cache; a cache file makes each call fast
    cache = ['-o', 'Dir::Cache::pkgcache=/var/cache/apt/pkgcache.bin'] if RUN else []
    r = subprocess.run(RUN + ['apt-cache'] + cache + ['show', f'{name}={ver}' if ver else name], capture_output=True, text=True)
    rec = r.stdout.split('\n\n')[0]
    f = {}; key = None
    for l in rec.split('\n'):
        if not l: continue
        if l[0] in ' \t':
            continue
        k, _, v = l.partition(':'); f[k] = v.strip(); key = k
    return f

def deps(s):
    if not s: return ''
    out = []
    for grp in s.split(','):
        alts = []
        for a in grp.split('|'):
            a = re.sub(r'\(.*?\)', '', a).strip()
            a = re.sub(r'\[.*?\]', '', a).strip()
            a = a.split(':')[0]
            if a and a not in alts: alts.append(a)
        if alts: out.append('|'.join(alts))
    return ','.join(out)

def ops(path):
    seq = []
    for l in open(path):
        if l.startswith(('Inst ', 'Conf ')):
            p = l.split()
            code = lambda o: 's' if 'Security' in o or '-security' in o else ('u' if 'updates' in o else 'm')
            origins = [code(o) for o in l.split('(')[1].split('[')[0].split(',')]
            # the suite apt fetches from, then another holding the same version (Ubuntu's
            # noble-updates and noble-security)
            suite = origins[0] + ''.join(o for o in origins[1:2] if o != origins[0])
            seq.append((p[0][0], p[1], p[2].strip('('), suite))
    return seq

info = {}
plans = []
for t in top:
    for v in ('rec', 'norec'):
        seq = ops(f'{W}/sims/{t}.{v}')
        for o, n, ver, su in seq:
            if o == 'I': info[n] = (ver, su)
        # drop the final run of Conf (dpkg --configure --pending does it)
        while seq and seq[-1][0] == 'C': seq.pop()
        steps = []
        for o, n, _, _ in seq:
            if steps and steps[-1][0] == o: steps[-1][1].append(n)
            else: steps.append((o, [n]))
        plans.append(f'{t}\t{v}\t' + ';'.join(f'{o} ' + ' '.join(ns) for o, ns in steps))

def debfile(n, ver):
    v = ver.replace(':', '%3a')
    g = glob.glob(f'{W}/debs/{n}_{v}_*.deb') + glob.glob(f'{W}/basedebs/{n}_*.deb')
    return g[0] if g else None

def listing(path):
    out = subprocess.run(['dpkg-deb', '-c', path], capture_output=True, text=True).stdout
    ent = []
    for l in out.splitlines():
        parts = l.split(None, 5)
        name = parts[5]
        link = None
        if ' -> ' in name: name, link = name.split(' -> ', 1)
        p = name[1:] if name.startswith('.') else name
        p = p.rstrip('/') or '/.'
        ent.append((parts[0][0], p, link))
    return ent

base = set()
for f in glob.glob(f'{W}/basedebs/*.deb'):
    for k, p, l in listing(f): base.add(p)
for f in glob.glob(f'{RUN[1]}/var/lib/dpkg/info/*.list' if RUN else ''):
    base.update(l.rstrip('\n') for l in open(f) if l.strip())
if RUN:
    # dpkg's database also holds the paths of diversions (from, to; then the package)
    div = open(f'{RUN[1]}/var/lib/dpkg/diversions').read().split('\n')
    base.update(l for i, l in enumerate(div) if l and i % 3 != 2)

BIN = ('/usr/bin/', '/usr/sbin/', '/bin/', '/sbin/')
rows = []
basest = open(STATUS).read()
basenames = re.findall(r'^Package: (.*)$', basest, re.M) + (['adduser'] if DISTRO == 'bookworm' else [])
names = sorted(set(info) | set(basenames))
for n in names:
    if n in info:
        ver, su = info[n]; f = show(n, ver); b = ''
    else:
        f = show(n); ver = f.get('Version', ''); su = 'm'; b = 'B'
    flags = b + ('S' if f.get('Multi-Arch') == 'same' else '') + ('E' if f.get('Essential') == 'yes' else '')
    d0 = debfile(n, ver) if n in info else None
    if d0:
        ctl = subprocess.run(['dpkg-deb', '-I', d0, 'triggers'], capture_output=True, text=True).stdout
        flags += 'L' if 'activate-noawait ldconfig' in ctl else ''
        cfg = subprocess.run(['dpkg-deb', '-I', d0, 'postinst'], capture_output=True, text=True).stdout
        flags += 'D' if 'confmodule' in cfg else ''
        flags += 'C' if subprocess.run(['dpkg-deb', '-I', d0, 'conffiles'], capture_output=True).returncode == 0 else ''
    files = ''; nfiles = 0
    d = debfile(n, ver) if n in info else None
    if d:
        ent = listing(d)
        nfiles = sum(1 for k, p, l in ent if p not in base)
        bins = [(k, p, l) for k, p, l in ent if p.startswith(BIN) and k != 'd']
        files = ';'.join(p + ('>' + l if l else '') for k, p, l in bins)
    comp = f.get('Filename', 'pool/main/').split('/')[1]
    su += '' if comp == 'main' else ':' + comp
    rows.append('\t'.join([n, ver, f.get('Architecture', ''), flags or '-', f.get('Priority', 'optional')[0], f.get('Section', ''),
        f.get('Installed-Size', '0'), f.get('Size', '0'), su, deps(f.get('Pre-Depends', '')), deps(f.get('Depends', '')),
        deps(f.get('Recommends', '')), deps(f.get('Suggests', '')), deps(f.get('Provides', '')), str(nfiles), files,
        f.get('Description', '')]))

with open(sys.argv[2], 'w') as o:
    o.write(f'# {TITLE} amd64 packages for dockling apt: generated by gen_debian.py\n')
    o.write(f'# base\t{len(base)}\n')
    o.write('# name version arch flags(B base S multi-arch-same E essential) priority section installed-size(KiB) size(B) suite(m main s security u updates; :component when not main) pre-depends depends recommends suggests provides new-paths bin-files description\n')
    for r in rows: o.write(r + '\n')
    o.write('# plans: package, rec|norec, apt-get -s steps (U unpack, C configure) before the final dpkg --configure --pending\n')
    for p in plans: o.write('@' + p + '\n')

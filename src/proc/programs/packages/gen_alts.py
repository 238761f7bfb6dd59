import subprocess, glob, re, shlex, sys
out = []
for f in sorted(glob.glob('/tmp/pkg/debs/*.deb')):
    name = f.split('/')[-1].split('_')[0]
    pi = subprocess.run(['dpkg-deb', '-I', f, 'postinst'], capture_output=True, text=True).stdout
    if 'update-alternatives' not in pi: continue
    text = pi.replace('\\\n', ' ')
    for line in text.split('\n'):
        if '--install' not in line or 'update-alternatives' not in line: continue
        try: w = shlex.split(line.split('update-alternatives', 1)[1].split('||')[0].split(';')[0])
        except ValueError: continue
        quiet = '--quiet' in w
        w = [x for x in w if x != '--quiet']
        i = w.index('--install')
        link, alt, path, prio = w[i+1:i+5]
        if '$' in link + alt + path: continue
        slaves = []
        j = i + 5
        while j < len(w):
            if w[j] == '--slave' and j + 3 < len(w):
                slaves.append(w[j+1] + '>' + w[j+3]); j += 4
            else: j += 1
        out.append('\t'.join([name, 'q' if quiet else '-', alt, link, path, prio, ','.join(slaves) or '-']))
print('\n'.join(out))

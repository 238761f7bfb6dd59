def walk(top, topdown=True, onerror=None, followlinks=False):
    import _dockling
    entries = _dockling.fs_list(top)
    if entries is None:
        return
    dirs = [n for n, d in entries if d]
    files = [n for n, d in entries if not d]
    if topdown:
        yield top, dirs, files
    for d in dirs:
        for x in walk(path.join(top, d), topdown):
            yield x
    if not topdown:
        yield top, dirs, files


def get_exec_path(env=None):
    return environ.get("PATH", "").split(":")

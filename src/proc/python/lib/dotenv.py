import os


def _parse(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].strip()
        if "=" not in line:
            continue
        k, _, v = line.partition("=")
        k = k.strip()
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
            v = v[1:-1]
        elif " #" in v:
            v = v.split(" #", 1)[0].rstrip()
        out.append((k, v))
    return out


def find_dotenv(filename=".env", raise_error_if_not_found=False, usecwd=False):
    p = os.path.join(os.getcwd(), filename)
    if os.path.exists(p):
        return p
    if raise_error_if_not_found:
        raise IOError("File not found")
    return ""


def dotenv_values(dotenv_path=None, **kw):
    path = dotenv_path or find_dotenv()
    if not path or not os.path.exists(path):
        return {}
    with open(path) as f:
        return dict(_parse(f.read()))


def load_dotenv(dotenv_path=None, stream=None, verbose=False, override=False, **kw):
    values = dotenv_values(dotenv_path)
    for k, v in values.items():
        if override or k not in os.environ:
            os.environ[k] = v
    return bool(values)

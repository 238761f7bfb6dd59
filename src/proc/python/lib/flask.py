# The simulated Flask 3.1: routing with converters, request, responses, JSON, errors,
# templates (a small Jinja subset), `app.run()` and the `flask` command.
import os
import sys
import json as _json
import logging
import _dockling
from _dockling_wsgi import run_simple, error_page, status_line, HTTP_STATUS_CODES, WERKZEUG_VERSION, _ansi_style

__version__ = "3.1.1"


class HTTPException(Exception):
    code = 500
    description = ""

    def __init__(self, description=None, response=None):
        Exception.__init__(self)
        if description is not None:
            self.description = description
        self.response = response

    @property
    def name(self):
        return HTTP_STATUS_CODES.get(self.code, "Unknown Error")

    def __str__(self):
        return "%d %s: %s" % (self.code, self.name, self.description)

    def get_response(self):
        body = error_page(self.code, self.description)
        return Response(body, self.code, mimetype="text/html")


def _http_error(code, description):
    cls = type("HTTPException%d" % code, (HTTPException,), {})
    cls.code = code
    cls.description = description
    return cls


BadRequest = _http_error(400, "The browser (or proxy) sent a request that this server could not understand.")
Unauthorized = _http_error(401, "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.")
Forbidden = _http_error(403, "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.")
NotFound = _http_error(404, "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.")
MethodNotAllowed = _http_error(405, "The method is not allowed for the requested URL.")
UnsupportedMediaType = _http_error(415, "The server does not support the media type transmitted in the request.")
InternalServerError = _http_error(500, "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.")
_errors = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 405: MethodNotAllowed, 415: UnsupportedMediaType, 500: InternalServerError}


def abort(code, description=None):
    if isinstance(code, Response):
        e = HTTPException()
        e.response = code
        raise e
    cls = _errors.get(code)
    if cls is None:
        cls = _http_error(code, "")
    raise cls(description)


class Headers:
    def __init__(self, items=None):
        self._items = []
        if items:
            if isinstance(items, dict):
                items = items.items()
            for k, v in items:
                self._items.append((k, str(v)))

    def get(self, key, default=None, type=None):
        lk = key.lower()
        for k, v in self._items:
            if k.lower() == lk:
                return type(v) if type else v
        return default

    def __getitem__(self, key):
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v

    def __setitem__(self, key, value):
        lk = key.lower()
        self._items = [(k, v) for k, v in self._items if k.lower() != lk]
        self._items.append((key, str(value)))

    def __contains__(self, key):
        return self.get(key) is not None

    def add(self, key, value):
        self._items.append((key, str(value)))

    def items(self):
        return list(self._items)

    def keys(self):
        return [k for k, v in self._items]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return "Headers(%r)" % self._items


class MultiDict(dict):
    def __init__(self, pairs=None):
        dict.__init__(self)
        self._lists = {}
        for k, v in pairs or []:
            if k not in self._lists:
                self._lists[k] = []
                dict.__setitem__(self, k, v)
            self._lists[k].append(v)

    def get(self, key, default=None, type=None):
        if key not in self:
            return default
        v = self[key]
        if type is not None:
            try:
                return type(v)
            except (ValueError, TypeError):
                return default
        return v

    def getlist(self, key, type=None):
        vals = self._lists.get(key, [])
        if type is not None:
            return [type(v) for v in vals]
        return list(vals)

    def to_dict(self, flat=True):
        if flat:
            return dict(self.items())
        return {k: list(v) for k, v in self._lists.items()}


def _parse_qs(qs):
    pairs = []
    for part in qs.replace(";", "&").split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((_dockling.urlencode_unquote(k), _dockling.urlencode_unquote(v)))
    return pairs


class Request:
    def __init__(self, environ):
        self.environ = environ
        self.method = environ["REQUEST_METHOD"]
        self.path = environ["PATH_INFO"]
        self.query_string = environ.get("QUERY_STRING", "").encode()
        self.args = MultiDict(_parse_qs(environ.get("QUERY_STRING", "")))
        self.headers = Headers(environ.get("dockling.headers", []))
        self.data = environ.get("wsgi.input", b"")
        self.remote_addr = environ.get("REMOTE_ADDR")
        self.host = self.headers.get("Host", "%s:%s" % (environ["SERVER_NAME"], environ["SERVER_PORT"]))
        self.scheme = "http"
        self.content_type = self.headers.get("Content-Type")
        self.mimetype = (self.content_type or "").split(";")[0].strip().lower()
        self.view_args = {}
        self.endpoint = None
        self._form = None
        qs = environ.get("QUERY_STRING", "")
        self.full_path = self.path + "?" + qs
        self.url = "http://" + self.host + self.path + ("?" + qs if qs else "")
        self.base_url = "http://" + self.host + self.path
        self.host_url = "http://" + self.host + "/"
        self.url_root = self.host_url
        cookies = []
        for part in (self.headers.get("Cookie") or "").split(";"):
            if "=" in part:
                k, _, v = part.strip().partition("=")
                cookies.append((k, v))
        self.cookies = MultiDict(cookies)
        self.files = MultiDict()

    @property
    def form(self):
        if self._form is None:
            if self.mimetype == "application/x-www-form-urlencoded":
                self._form = MultiDict(_parse_qs(self.data.decode()))
            elif self.mimetype == "multipart/form-data":
                raise RuntimeError("dockling: python: multipart form data is not simulated")
            else:
                self._form = MultiDict()
        return self._form

    @property
    def values(self):
        pairs = list(self.args.items()) + list(self.form.items())
        return MultiDict(pairs)

    @property
    def is_json(self):
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_data(self, as_text=False):
        return self.data.decode() if as_text else self.data

    def get_json(self, force=False, silent=False, cache=True):
        if not (force or self.is_json):
            if silent:
                return None
            raise UnsupportedMediaType("Did not attempt to load JSON data because the request Content-Type was not 'application/json'.")
        try:
            return _json.loads(self.data.decode())
        except ValueError as e:
            if silent:
                return None
            raise BadRequest("Failed to decode JSON object: %s" % e)

    @property
    def json(self):
        return self.get_json()


class _Proxy:
    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def _obj(self):
        obj = _ctx.get(self._name)
        if obj is None:
            if self._name == "request":
                raise RuntimeError("Working outside of request context.\n\nThis typically means that you attempted to use functionality that needed\nan active HTTP request. Consult the documentation on testing for\ninformation about how to avoid this problem.")
            raise RuntimeError("Working outside of application context.")
        return obj

    def __getattr__(self, name):
        return getattr(self._obj(), name)

    def __setattr__(self, name, value):
        setattr(self._obj(), name, value)

    def __repr__(self):
        return repr(self._obj())


class _G:
    def get(self, name, default=None):
        return self.__dict__.get(name, default)

    def __contains__(self, name):
        return name in self.__dict__

    def pop(self, name, default=None):
        return self.__dict__.pop(name, default)


_ctx = {}
request = _Proxy("request")
current_app = _Proxy("app")
g = _Proxy("g")
session = _Proxy("session")


class Response:
    default_mimetype = "text/html"

    def __init__(self, response=None, status=None, headers=None, mimetype=None, content_type=None):
        if response is None:
            response = b""
        if isinstance(response, str):
            response = response.encode()
        elif not isinstance(response, bytes):
            response = b"".join([(x.encode() if isinstance(x, str) else x) for x in response])
        self.data = response
        self.headers = Headers(headers)
        if content_type is None:
            mt = mimetype or self.default_mimetype
            if mt.startswith("text/") or mt == "application/javascript":
                content_type = mt + "; charset=utf-8"
            else:
                content_type = mt
        if "Content-Type" not in self.headers:
            self.headers["Content-Type"] = content_type
        self.status_code = 200
        if status is not None:
            self.status = status

    @property
    def status(self):
        return status_line(self.status_code)

    @status.setter
    def status(self, value):
        if isinstance(value, int):
            self.status_code = value
        else:
            self.status_code = int(str(value).split(" ")[0])

    @property
    def mimetype(self):
        return self.headers.get("Content-Type", "").split(";")[0]

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    def get_data(self, as_text=False):
        return self.data.decode() if as_text else self.data

    def set_data(self, value):
        self.data = value.encode() if isinstance(value, str) else value

    def get_json(self):
        return _json.loads(self.data.decode())

    @property
    def json(self):
        return self.get_json()

    def set_cookie(self, key, value="", max_age=None, path="/", **kw):
        c = "%s=%s" % (key, value)
        if max_age is not None:
            c = c + "; Max-Age=%d" % max_age
        c = c + "; Path=%s" % path
        self.headers.add("Set-Cookie", c)

    def __repr__(self):
        return "<Response %d bytes [%s]>" % (len(self.data), self.status)


def _app():
    return _ctx.get("app")


def jsonify(*args, **kwargs):
    if args and kwargs:
        raise TypeError("jsonify() behavior undefined when passed both args and kwargs")
    if len(args) == 1:
        obj = args[0]
    elif args:
        obj = list(args)
    else:
        obj = kwargs
    app = _app()
    if app is not None and app.debug:
        text = _json.dumps(obj, indent=2, sort_keys=app.json.sort_keys, ensure_ascii=app.json.ensure_ascii)
    else:
        text = _json.dumps(obj, separators=(",", ":"), sort_keys=app.json.sort_keys if app else True, ensure_ascii=app.json.ensure_ascii if app else True)
    return Response(text + "\n", mimetype="application/json")


def make_response(*args):
    if not args:
        return Response()
    if len(args) == 1:
        args = args[0]
    return _app().make_response(args)


def redirect(location, code=302, Response=None):
    html = (
        "<!doctype html>\n"
        "<html lang=en>\n"
        "<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        '<a href="%s">%s</a>. If not, click the link.\n' % (_dockling.html_escape(location), _dockling.html_escape(location))
    )
    r = globals()["Response"](html, code, mimetype="text/html")
    r.headers["Location"] = location
    return r


def url_for(endpoint, **values):
    app = _app()
    for rule in app._rules:
        if rule.endpoint == endpoint:
            return rule.build(values)
    raise RuntimeError("Could not build url for endpoint %r." % endpoint)


def escape(s):
    return _dockling.html_escape(str(s))


# ------------------------------------------------------------------ templates

def _template_value(expr, ns, autoescape):
    parts = [p.strip() for p in _split_filters(expr)]
    value = _eval(parts[0], ns)
    safe = False
    for f in parts[1:]:
        name, _, arg = f.partition("(")
        name = name.strip()
        args = []
        if arg:
            args = [_eval(a.strip(), ns) for a in arg.rstrip(")").split(",") if a.strip()]
        if name == "safe":
            safe = True
        elif name in ("e", "escape"):
            value = escape(value)
            safe = True
        elif name == "upper":
            value = str(value).upper()
        elif name == "lower":
            value = str(value).lower()
        elif name == "title":
            value = str(value).title()
        elif name == "capitalize":
            value = str(value).capitalize()
        elif name == "length" or name == "count":
            value = len(value)
        elif name == "default" or name == "d":
            if value is None or value == "":
                value = args[0] if args else ""
        elif name == "join":
            value = (args[0] if args else "").join([str(x) for x in value])
        elif name == "int":
            value = int(value)
        elif name == "string":
            value = str(value)
        elif name == "trim":
            value = str(value).strip()
        elif name == "tojson":
            value = _json.dumps(value)
            safe = True
        else:
            raise RuntimeError("dockling: python: the Jinja filter '%s' is not simulated" % name)
    if value is None:
        value = "None"
    text = str(value)
    if autoescape and not safe:
        text = escape(text)
    return text


def _split_filters(expr):
    out = []
    depth = 0
    cur = ""
    quote = None
    for c in expr:
        if quote:
            cur = cur + c
            if c == quote:
                quote = None
            continue
        if c in "'\"":
            quote = c
        elif c in "([":
            depth = depth + 1
        elif c in ")]":
            depth = depth - 1
        if c == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur = cur + c
    out.append(cur)
    return out


class _Undefined:
    def __str__(self):
        return ""

    def __bool__(self):
        return False

    def __iter__(self):
        return iter([])

    def __getattr__(self, name):
        return self


def _eval(expr, ns):
    expr = expr.replace(" and ", " and ").replace(" not ", " not ")
    env = dict(ns)
    env["true"] = True
    env["false"] = False
    env["none"] = None
    try:
        return eval(expr, env)
    except NameError:
        return _Undefined()


def _render(src, ns, autoescape=True):
    tokens = []
    i = 0
    n = len(src)
    while i < n:
        a = src.find("{{", i)
        b = src.find("{%", i)
        c = src.find("{#", i)
        cands = [x for x in (a, b, c) if x >= 0]
        if not cands:
            tokens.append(("text", src[i:]))
            break
        j = min(cands)
        if j > i:
            tokens.append(("text", src[i:j]))
        if j == a:
            k = src.find("}}", j)
            tokens.append(("expr", src[j + 2:k].strip()))
            i = k + 2
        elif j == b:
            k = src.find("%}", j)
            tokens.append(("stmt", src[j + 2:k].strip("- ").strip()))
            i = k + 2
        else:
            k = src.find("#}", j)
            i = k + 2
        if k < 0:
            raise RuntimeError("dockling: python: this template syntax is not simulated")
    out, pos = _render_tokens(tokens, 0, ns, autoescape, ())
    return "".join(out)


def _render_tokens(tokens, pos, ns, autoescape, stop):
    out = []
    while pos < len(tokens):
        kind, val = tokens[pos]
        if kind == "text":
            out.append(val)
            pos = pos + 1
        elif kind == "expr":
            out.append(_template_value(val, ns, autoescape))
            pos = pos + 1
        else:
            word = val.split(" ")[0]
            if word in stop:
                return out, pos
            if word == "for":
                head = val[4:]
                target, _, rest = head.partition(" in ")
                items = _eval(rest.strip(), ns)
                body_start = pos + 1
                end = pos
                items = list(items)
                if not items:
                    _, end = _render_tokens(tokens, body_start, ns, autoescape, ("endfor", "else"))
                    if tokens[end][1] == "else":
                        part, end = _render_tokens(tokens, end + 1, ns, autoescape, ("endfor",))
                        out.extend(part)
                for idx, item in enumerate(items):
                    local = dict(ns)
                    names = [t.strip() for t in target.split(",")]
                    if len(names) == 1:
                        local[names[0]] = item
                    else:
                        for nm, v in zip(names, item):
                            local[nm] = v
                    local["loop"] = _Loop(idx, len(items))
                    part, end = _render_tokens(tokens, body_start, local, autoescape, ("endfor", "else"))
                    out.extend(part)
                if items and tokens[end][1] == "else":
                    _, end = _render_tokens(tokens, end + 1, ns, autoescape, ("endfor",))
                pos = end + 1
            elif word == "if":
                taken = False
                cond = val[3:]
                p = pos + 1
                while True:
                    ok = (not taken) and (cond is None or bool(_eval(cond, ns)))
                    part, p = _render_tokens(tokens, p, ns, autoescape, ("elif", "else", "endif"))
                    if ok:
                        out.extend(part)
                        taken = True
                    k2 = tokens[p][1]
                    if k2.startswith("elif"):
                        cond = k2[5:]
                        p = p + 1
                    elif k2 == "else":
                        cond = None
                        p = p + 1
                    else:
                        break
                pos = p + 1
            elif word == "set":
                name, _, expr = val[4:].partition("=")
                ns[name.strip()] = _eval(expr.strip(), ns)
                pos = pos + 1
            else:
                raise RuntimeError("dockling: python: the template tag '%s' is not simulated" % word)
    return out, pos


class _Loop:
    def __init__(self, i, n):
        self.index0 = i
        self.index = i + 1
        self.first = i == 0
        self.last = i == n - 1
        self.length = n
        self.revindex = n - i


def render_template_string(source, **context):
    ns = _template_globals()
    ns.update(context)
    return _render(source, ns)


def render_template(template_name_or_list, **context):
    app = _app()
    path = os.path.join(app.root_path, app.template_folder, template_name_or_list)
    data = _dockling.fs_read(path)
    if data is None:
        raise TemplateNotFound(template_name_or_list)
    ns = _template_globals()
    ns.update(context)
    return _render(data.decode(), ns, template_name_or_list.endswith((".html", ".htm", ".xml")))


def _template_globals():
    return {"request": _ctx.get("request"), "g": _ctx.get("g"), "url_for": url_for, "config": _app().config if _app() else {}}


class TemplateNotFound(Exception):
    pass


# ------------------------------------------------------------------ routing

class Rule:
    def __init__(self, rule, endpoint, view, methods):
        self.rule = rule
        self.endpoint = endpoint
        self.view = view
        ms = set([m.upper() for m in (methods or ["GET"])])
        if "GET" in ms:
            ms.add("HEAD")
        ms.add("OPTIONS")
        self.methods = ms
        self.parts = []
        for seg in rule.strip("/").split("/"):
            if seg.startswith("<") and seg.endswith(">"):
                inner = seg[1:-1]
                conv, _, name = inner.partition(":")
                if not name:
                    conv, name = "default", conv
                self.parts.append((conv, name))
            else:
                self.parts.append(("static", seg))
        self.strict_slash = rule.endswith("/") and rule != "/"
        self.static_count = len([p for p in self.parts if p[0] == "static"])

    def match(self, path):
        segs = path.strip("/").split("/")
        if path == "/" or path == "":
            segs = [""]
        values = {}
        i = 0
        for k, (conv, name) in enumerate(self.parts):
            if i >= len(segs):
                return None
            seg = segs[i]
            if conv == "static":
                if seg != name:
                    return None
            elif conv == "path":
                values[name] = "/".join(segs[i:])
                i = len(segs)
                continue
            elif conv == "int":
                if not seg.isdigit():
                    return None
                values[name] = int(seg)
            elif conv == "float":
                try:
                    if "." not in seg:
                        return None
                    values[name] = float(seg)
                except ValueError:
                    return None
            else:
                if seg == "":
                    return None
                values[name] = seg
            i = i + 1
        if i != len(segs):
            return None
        return values

    def build(self, values):
        out = []
        values = dict(values)
        for conv, name in self.parts:
            if conv == "static":
                out.append(name)
            else:
                out.append(str(values.pop(name)))
        url = "/" + "/".join(out)
        if self.strict_slash:
            url = url + "/"
        if values:
            url = url + "?" + "&".join(["%s=%s" % (k, v) for k, v in values.items()])
        return url


class _Config(dict):
    def from_mapping(self, mapping=None, **kw):
        if mapping:
            self.update(mapping)
        self.update(kw)
        return True

    def from_object(self, obj):
        for k in dir(obj):
            if k.isupper():
                self[k] = getattr(obj, k)

    def from_prefixed_env(self, prefix="FLASK"):
        for k, v in os.environ.items():
            if k.startswith(prefix + "_"):
                try:
                    v = _json.loads(v)
                except ValueError:
                    pass
                self[k[len(prefix) + 1:]] = v
        return True


class _JSON:
    def __init__(self):
        self.sort_keys = True
        self.ensure_ascii = True
        self.compact = None

    def dumps(self, obj, **kw):
        kw.setdefault("sort_keys", self.sort_keys)
        kw.setdefault("ensure_ascii", self.ensure_ascii)
        return _json.dumps(obj, **kw)

    def loads(self, s, **kw):
        return _json.loads(s)

    def response(self, *args, **kwargs):
        return jsonify(*args, **kwargs)


class _Scaffold:
    def route(self, rule, **options):
        def decorator(f):
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f
        return decorator

    def get(self, rule, **options):
        options["methods"] = ["GET"]
        return self.route(rule, **options)

    def post(self, rule, **options):
        options["methods"] = ["POST"]
        return self.route(rule, **options)

    def put(self, rule, **options):
        options["methods"] = ["PUT"]
        return self.route(rule, **options)

    def delete(self, rule, **options):
        options["methods"] = ["DELETE"]
        return self.route(rule, **options)

    def patch(self, rule, **options):
        options["methods"] = ["PATCH"]
        return self.route(rule, **options)

    def errorhandler(self, code_or_exception):
        def decorator(f):
            self._error_handlers[code_or_exception] = f
            return f
        return decorator

    def before_request(self, f):
        self._before.append(f)
        return f

    def after_request(self, f):
        self._after.append(f)
        return f


class Blueprint(_Scaffold):
    def __init__(self, name, import_name, url_prefix=None, **kw):
        self.name = name
        self.import_name = import_name
        self.url_prefix = url_prefix
        self._deferred = []
        self._error_handlers = {}
        self._before = []
        self._after = []

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        self._deferred.append((rule, endpoint, view_func, options))


class Flask(_Scaffold):
    response_class = Response

    def __init__(self, import_name, static_url_path=None, static_folder="static", template_folder="templates", instance_path=None, root_path=None, **kw):
        self.import_name = import_name
        self.config = _Config({"DEBUG": False, "TESTING": False, "SECRET_KEY": None, "SERVER_NAME": None, "APPLICATION_ROOT": "/", "JSON_SORT_KEYS": True})
        self._rules = []
        self._error_handlers = {}
        self._before = []
        self._after = []
        self.template_folder = template_folder
        self.static_folder = static_folder
        self.json = _JSON()
        self.extensions = {}
        if root_path is None:
            mod = sys.modules.get(import_name)
            f = getattr(mod, "__file__", None) if mod is not None else None
            root_path = os.path.dirname(os.path.abspath(f)) if f else os.getcwd()
        self.root_path = root_path
        self.logger = logging.getLogger(import_name if import_name != "__main__" else "app")
        self._flask_handler = None
        if static_folder:
            self.add_url_rule("/static/<path:filename>", "static", self._send_static)

    def _send_static(self, filename):
        data = _dockling.fs_read(os.path.join(self.root_path, self.static_folder, filename))
        if data is None:
            abort(404)
        ext = filename.rsplit(".", 1)[-1].lower()
        types = {"css": "text/css", "js": "text/javascript", "html": "text/html", "txt": "text/plain", "json": "application/json", "png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml", "ico": "image/vnd.microsoft.icon"}
        return Response(data, mimetype=types.get(ext, "application/octet-stream"))

    @property
    def name(self):
        if self.import_name == "__main__":
            fn = getattr(sys.modules["__main__"], "__file__", None)
            if fn is None:
                return "__main__"
            return os.path.splitext(os.path.basename(fn))[0]
        return self.import_name

    @property
    def debug(self):
        return self.config["DEBUG"]

    @debug.setter
    def debug(self, value):
        self.config["DEBUG"] = value

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        if endpoint is None:
            endpoint = view_func.__name__
        for r in self._rules:
            if r.endpoint == endpoint and r.view is not view_func:
                raise AssertionError("View function mapping is overwriting an existing endpoint function: %s" % endpoint)
        methods = options.get("methods")
        self._rules.append(Rule(rule, endpoint, view_func, methods))

    def register_blueprint(self, bp, url_prefix=None, **kw):
        prefix = url_prefix if url_prefix is not None else (bp.url_prefix or "")
        for rule, endpoint, view, options in bp._deferred:
            ep = bp.name + "." + (endpoint or view.__name__)
            self._rules.append(Rule(prefix.rstrip("/") + rule, ep, view, options.get("methods")))
        self._error_handlers.update(bp._error_handlers)
        self._before.extend(bp._before)
        self._after.extend(bp._after)

    def _match(self, path, method):
        candidates = sorted(self._rules, key=lambda r: (-r.static_count, len(r.parts)))
        allowed = []
        for r in candidates:
            values = r.match(path)
            if values is None:
                continue
            if r.strict_slash and not path.endswith("/"):
                return "redirect", r, values
            if not r.strict_slash and path.endswith("/") and path != "/":
                continue
            if method in r.methods:
                return "ok", r, values
            allowed.extend([m for m in r.methods if m not in allowed])
        if allowed:
            return "405", sorted(allowed), None
        return "404", None, None

    def make_response(self, rv):
        status = None
        headers = None
        if isinstance(rv, tuple):
            if len(rv) == 3:
                rv, status, headers = rv
            elif len(rv) == 2:
                if isinstance(rv[1], (dict, list, tuple, Headers)):
                    rv, headers = rv
                else:
                    rv, status = rv
            else:
                raise TypeError("The view function did not return a valid response tuple. The tuple must have the form (body, status, headers), (body, status), or (body, headers).")
        if rv is None:
            raise TypeError("The view function for %r did not return a valid response. The function either returned None or ended without a return statement." % request.endpoint)
        if isinstance(rv, Response):
            resp = rv
        elif isinstance(rv, (str, bytes)):
            resp = Response(rv)
        elif isinstance(rv, (dict, list)):
            resp = jsonify(rv)
        else:
            raise TypeError("The view function did not return a valid response. The return type must be a string, dict, list, tuple with headers or status, Response instance, or WSGI callable, but it was a %s." % type(rv).__name__)
        if status is not None:
            resp.status = status
        if headers:
            items = headers.items() if hasattr(headers, "items") else headers
            for k, v in items:
                resp.headers[k] = v
        return resp

    def _handle_http(self, e):
        h = self._error_handlers.get(e.code) or self._error_handlers.get(type(e))
        if h is not None:
            return self.make_response(h(e))
        if e.response is not None:
            return e.response
        return e.get_response()

    def _dispatch(self, req):
        kind, rule, values = self._match(req.path, req.method)
        if kind == "redirect":
            target = "http://" + req.host + req.path + "/"
            qs = req.environ.get("QUERY_STRING", "")
            if qs:
                target = target + "?" + qs
            r = redirect(target, 308)
            return r
        if kind == "405":
            e = MethodNotAllowed()
            resp = self._handle_http(e)
            resp.headers["Allow"] = ", ".join(rule)
            return resp
        if kind == "404":
            return self._handle_http(NotFound())
        req.endpoint = rule.endpoint
        req.view_args = values
        if req.method == "OPTIONS":
            resp = Response()
            resp.headers["Allow"] = ", ".join(sorted(rule.methods))
            return resp
        for f in self._before:
            rv = f()
            if rv is not None:
                return self.make_response(rv)
        return self.make_response(rule.view(**values))

    def wsgi_app(self, environ, start_response):
        req = Request(environ)
        _ctx["request"] = req
        _ctx["app"] = self
        _ctx["g"] = _G()
        try:
            try:
                resp = self._dispatch(req)
            except HTTPException as e:
                resp = self._handle_http(e)
            except Exception as e:
                handler = None
                for cls, h in self._error_handlers.items():
                    if isinstance(cls, type) and isinstance(e, cls):
                        handler = h
                        break
                if handler is not None:
                    resp = self.make_response(handler(e))
                else:
                    self._log_exception(req)
                    h500 = self._error_handlers.get(500)
                    if h500 is not None:
                        resp = self.make_response(h500(InternalServerError()))
                    else:
                        resp = InternalServerError().get_response()
            for f in self._after:
                resp = f(resp) or resp
        finally:
            _ctx["request"] = None
        headers = resp.headers.items()
        names = [k.lower() for k, v in headers]
        if "content-length" not in names:
            headers.append(("Content-Length", str(len(resp.data))))
        start_response(resp.status, headers)
        return [resp.data]

    def _log_exception(self, req):
        if not self.logger.hasHandlers() and self._flask_handler is None:
            h = logging.StreamHandler()
            h.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s"))
            self._flask_handler = h
            self.logger.addHandler(h)
        if self.logger.level == logging.NOTSET:
            self.logger.setLevel(logging.DEBUG if self.debug else logging.NOTSET)
        self.logger.error("Exception on %s [%s]" % (req.path, req.method), exc_info=True)

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    def app_context(self):
        return _AppContext(self)

    def test_request_context(self, *a, **kw):
        raise RuntimeError("dockling: python: Flask test contexts are not simulated")

    def test_client(self):
        raise RuntimeError("dockling: python: the Flask test client is not simulated")

    def run(self, host=None, port=None, debug=None, load_dotenv=True, **options):
        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
            print(_ansi_style(" * Ignoring a call to 'app.run()' that would block the current 'flask' CLI command.\n   Only call 'app.run()' in an 'if __name__ == \"__main__\"' guard.", "red"), flush=True)
            return
        if load_dotenv:
            _load_dotenv()
            if "FLASK_DEBUG" in os.environ:
                self.debug = _debug_flag()
        if debug is not None:
            self.debug = bool(debug)
        server_name = self.config.get("SERVER_NAME")
        sn_host = sn_port = None
        if server_name:
            sn_host, _, sn_port = server_name.partition(":")
        if not host:
            host = sn_host or "127.0.0.1"
        if port or port == 0:
            port = int(port)
        elif sn_port:
            port = int(sn_port)
        else:
            port = 5000
        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        _show_banner(self.debug, self.name)
        _ctx["app"] = self
        run_simple(host, port, self, **options)


class _AppContext:
    def __init__(self, app):
        self.app = app

    def __enter__(self):
        _ctx["app"] = self.app
        _ctx["g"] = _G()
        return self

    def __exit__(self, *a):
        return False

    def push(self):
        self.__enter__()

    def pop(self, exc=None):
        pass


def _debug_flag():
    val = os.environ.get("FLASK_DEBUG")
    return bool(val and val.lower() not in ("0", "false", "no"))


def _load_dotenv():
    try:
        import dotenv
    except ImportError:
        return False
    for name in (".env", ".flaskenv"):
        if os.path.exists(name):
            dotenv.load_dotenv(name)
    return True


def _show_banner(debug, app_import_path):
    if app_import_path is not None:
        print(" * Serving Flask app '%s'" % app_import_path, flush=True)
    if debug is not None:
        print(" * Debug mode: %s" % ("on" if debug else "off"), flush=True)


def _usage_error(command, message):
    usage = "Usage: flask %s [OPTIONS]" % command if command else "Usage: flask [OPTIONS] COMMAND [ARGS]..."
    help_cmd = "flask %s --help" % command if command else "flask --help"
    sys.stderr.write("%s\nTry '%s' for help.\n\nError: %s\n" % (usage, help_cmd, message))
    sys.exit(2)


def _find_app(module, name):
    if name:
        app = getattr(module, name, None)
        if app is None:
            raise _NoApp("Failed to find attribute %r in %r." % (name, module.__name__))
        if callable(app) and not isinstance(app, Flask):
            app = app()
        return app
    for attr in ("app", "application"):
        app = getattr(module, attr, None)
        if isinstance(app, Flask):
            return app
    matches = [v for v in vars(module).values() if isinstance(v, Flask)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise _NoApp("Detected multiple Flask applications in module %r. Use '%s:name' to specify the correct one." % (module.__name__, module.__name__))
    for attr in ("create_app", "make_app"):
        f = getattr(module, attr, None)
        if f is not None:
            return f()
    raise _NoApp("Failed to find Flask application or factory in module %r. Use '%s:name' to specify one." % (module.__name__, module.__name__))


class _NoApp(Exception):
    pass


def _import_app(import_path, command):
    path, _, name = import_path.partition(":")
    if path.endswith(".py"):
        path = path[:-3]
    mod_name = path.replace("/", ".")
    try:
        __import__(mod_name)
    except ImportError as e:
        if getattr(e, "name", None) == mod_name:
            _usage_error(command, "Could not import %r." % mod_name)
        raise
    module = sys.modules[mod_name]
    try:
        return _find_app(module, name)
    except _NoApp as e:
        _usage_error(command, str(e))


def _cli_main():
    args = sys.argv[1:]
    app_path = os.environ.get("FLASK_APP")
    debug_opt = None
    while args and args[0].startswith("-"):
        a = args.pop(0)
        if a in ("--app", "-A"):
            app_path = args.pop(0) if args else None
        elif a.startswith("--app="):
            app_path = a[6:]
        elif a == "--debug":
            debug_opt = True
        elif a == "--no-debug":
            debug_opt = False
        elif a == "--version":
            print("Python %s\nFlask %s\nWerkzeug %s" % (_dockling.version(), __version__, WERKZEUG_VERSION))
            return
        elif a == "--help":
            raise RuntimeError("dockling: python: flask --help is not simulated")
        else:
            _usage_error(None, "No such option: %s" % a)
    if not args:
        raise RuntimeError("dockling: python: flask without a command (the help text) is not simulated")
    command = args.pop(0)
    if command != "run":
        if command in ("routes", "shell"):
            raise RuntimeError("dockling: python: flask %s is not simulated" % command)
        _usage_error(None, "No such command '%s'." % command)
    host = "127.0.0.1"
    port = 5000
    reload = None
    while args:
        a = args.pop(0)
        if "=" in a and a.startswith("--"):
            a, _, v = a.partition("=")
            args.insert(0, v)
        if a in ("--host", "-h"):
            host = args.pop(0)
        elif a in ("--port", "-p"):
            v = args.pop(0)
            try:
                port = int(v)
            except ValueError:
                _usage_error("run", "Invalid value for '--port' / '-p': '%s' is not a valid integer." % v)
        elif a == "--debug":
            debug_opt = True
        elif a in ("--reload",):
            reload = True
        elif a in ("--no-reload",):
            reload = False
        elif a in ("--debugger", "--no-debugger", "--with-threads", "--without-threads"):
            pass
        else:
            _usage_error("run", "No such option: %s" % a)
    _load_dotenv()
    if os.environ.get("FLASK_RUN_HOST"):
        host = os.environ["FLASK_RUN_HOST"]
    if os.environ.get("FLASK_RUN_PORT"):
        port = int(os.environ["FLASK_RUN_PORT"])
    if debug_opt is not None:
        os.environ["FLASK_DEBUG"] = "1" if debug_opt else "0"
    os.environ["FLASK_RUN_FROM_CLI"] = "true"
    if sys.path[0] != os.getcwd():
        sys.path.insert(0, os.getcwd())
    if app_path:
        app = _import_app(app_path, "run")
        shown = app_path
    else:
        app = None
        for cand in ("wsgi.py", "app.py"):
            if os.path.exists(cand):
                app = _import_app(cand, "run")
                break
        if app is None:
            _usage_error("run", "Could not locate a Flask application. Use the 'flask --app' option, 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the current directory.")
        shown = None
    debug = _debug_flag()
    app.debug = debug
    if reload is None:
        reload = debug
    _show_banner(debug, shown)
    _ctx["app"] = app
    run_simple(host, port, app, use_reloader=reload, use_debugger=debug)

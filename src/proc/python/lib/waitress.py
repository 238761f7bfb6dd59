# The simulated waitress 3.0: serve(), waitress-serve, its log line and headers.
import os
import sys
import logging
import _dockling
from _dockling_wsgi import call_app, http_date

__version__ = "3.0.2"
logger = logging.getLogger("waitress")


def serve(app, host="0.0.0.0", port=8080, listen=None, threads=4, url_scheme="http", ident="waitress", _quiet=False, **kw):
    logging.basicConfig()
    if listen:
        first = listen.split()[0]
        h, _, p = first.rpartition(":")
        host = "0.0.0.0" if h in ("*", "") else h
        port = int(p)
    port = int(port)
    if not _quiet:
        logger.info("Serving on http://%s:%d" % (host, port))

    def handle(environ):
        code, reason, headers, body = call_app(app, environ)
        names = [k.lower() for k, v in headers]
        out = list(headers)
        if "server" not in names:
            out.append(("Server", ident))
        if "date" not in names:
            out.append(("Date", http_date()))
        out.sort(key=lambda kv: kv[0])
        if environ["REQUEST_METHOD"] == "HEAD":
            body = b""
        return code, reason, out, body

    _dockling.serve(host, port, handle)


def _help(error=None):
    name = os.path.basename(sys.argv[0])
    if error:
        print("Error: %s\n" % error, file=sys.stderr)
    print("Usage:\n\n    %s [OPTS] MODULE:OBJECT\n" % name, file=sys.stderr)


def _cli_main():
    args = sys.argv[1:]
    kw = {}
    apps = []
    call = False
    # getopt long options: a value follows `=` or comes as the next argument (`--port 5050`).
    takes_value = ("host", "port", "listen", "threads", "url-scheme", "ident", "unix-socket",
                   "unix-socket-perms", "backlog", "recv-bytes", "send-bytes", "outbuf-overflow",
                   "inbuf-overflow", "connection-limit", "cleanup-interval", "channel-timeout",
                   "url-prefix", "asyncore-loop-timeout", "trusted-proxy",
                   "trusted-proxy-count", "trusted-proxy-headers")
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a.startswith("--"):
            k, eq, v = a[2:].partition("=")
            if not eq and k in takes_value and i < len(args):
                v = args[i]
                i += 1
            if k == "help":
                raise RuntimeError("dockling: python: waitress-serve --help is not simulated")
            if k == "call":
                call = True
            elif k in ("host", "port", "listen", "threads", "url-scheme", "ident"):
                kw[k.replace("-", "_")] = v
            else:
                kw[k.replace("-", "_")] = v
        else:
            apps.append(a)
    if len(apps) != 1:
        _help("Specify one application only")
        sys.exit(1)
    if "listen" in kw and ("host" in kw or "port" in kw):
        _help("host or port may not be set if listen is set.")
        sys.exit(1)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    sys.path.append(os.getcwd())
    module_name, _, attr = apps[0].partition(":")
    try:
        __import__(module_name)
        app = sys.modules[module_name]
        for part in attr.split("."):
            if part:
                app = getattr(app, part)
    except (ValueError, ImportError, AttributeError) as exc:
        _help(str(exc))
        print("There was an exception (%s) importing your module.\n" % type(exc).__name__, file=sys.stderr)
        print("It had these arguments: ", file=sys.stderr)
        for idx, arg in enumerate(exc.args, start=1):
            print("%d. %s\n" % (idx, arg), file=sys.stderr)
        sys.exit(1)
    if call:
        app = app()
    serve(app, **kw)

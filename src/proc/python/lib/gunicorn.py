# The simulated gunicorn 23.0 (sync workers): arbiter log lines, --bind/-w, signals.
import os
import sys
import signal
import _dockling
from _dockling_wsgi import call_app, http_date

VERSION = "23.0.0"


def _log(pid, level, msg):
    stamp = _dockling.strftime("[%Y-%m-%d %H:%M:%S +0000]", _dockling.now())
    sys.stderr.write("%s [%d] [%s] %s\n" % (stamp, pid, level, msg))


def _usage(msg):
    sys.stderr.write("usage: gunicorn [OPTIONS] [APP_MODULE]\ngunicorn: error: %s\n" % msg)
    sys.exit(2)


def run():
    args = sys.argv[1:]
    bind = []
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    app_uri = None
    chdir = None
    while args:
        a = args.pop(0)
        if a.startswith("--") and "=" in a:
            a, _, v = a.partition("=")
            args.insert(0, v)
        elif a.startswith("-b") and len(a) > 2:
            args.insert(0, a[2:])
            a = "-b"
        elif a.startswith("-w") and len(a) > 2:
            args.insert(0, a[2:])
            a = "-w"
        if a in ("-b", "--bind"):
            bind.append(args.pop(0))
        elif a in ("-w", "--workers"):
            v = args.pop(0)
            try:
                workers = int(v)
            except ValueError:
                _usage("argument -w/--workers: invalid int value: '%s'" % v)
        elif a in ("--chdir",):
            chdir = args.pop(0)
        elif a in ("--reload", "--preload", "--capture-output", "--enable-stdio-inheritance"):
            pass
        elif a in ("--access-logfile", "--error-logfile", "--log-level", "-k", "--worker-class", "--timeout", "-t", "--threads", "--graceful-timeout", "--keep-alive"):
            v = args.pop(0)
            if a in ("-k", "--worker-class") and v != "sync":
                raise RuntimeError("dockling: python: gunicorn worker class %r is not simulated" % v)
        elif a == "--version" or a == "-v":
            print("gunicorn (version %s)" % VERSION)
            return
        elif a.startswith("-"):
            _usage("unrecognized arguments: %s" % a)
        else:
            app_uri = a
    if app_uri is None:
        _usage("No application module specified.")
    if not bind:
        bind = [os.environ.get("PORT") and "0.0.0.0:" + os.environ["PORT"] or "127.0.0.1:8000"]
    host, _, port = bind[0].rpartition(":")
    if not host:
        host = "0.0.0.0"
    if host.startswith("unix:"):
        raise RuntimeError("dockling: python: gunicorn unix sockets are not simulated")
    port = int(port)
    pid = _dockling.pid()
    _log(pid, "INFO", "Starting gunicorn %s" % VERSION)
    _log(pid, "INFO", "Listening at: http://%s:%d (%d)" % (host, port, pid))
    _log(pid, "INFO", "Using worker: sync")
    worker_pids = [pid + 6 + i for i in range(workers)]
    if chdir:
        sys.path.insert(0, chdir)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module_name, _, attr = app_uri.partition(":")
    attr = attr or "application"
    app = None
    for wp in worker_pids:
        _log(wp, "INFO", "Booting worker with pid: %d" % wp)
    try:
        __import__(module_name)
        module = sys.modules[module_name]
    except ImportError as e:
        for wp in worker_pids:
            _log(wp, "ERROR", "Exception in worker process")
            sys.stderr.write(_dockling.format_exc())
            _log(wp, "INFO", "Worker exiting (pid: %d)" % wp)
        _log(pid, "ERROR", "Worker (pid:%d) exited with code 3" % worker_pids[0])
        _log(pid, "ERROR", "Shutting down: Master")
        _log(pid, "ERROR", "Reason: Worker failed to boot.")
        sys.exit(3)
    app = getattr(module, attr.rstrip("()"), None)
    if attr.endswith("()") and app is not None:
        app = app()
    if app is None:
        for wp in worker_pids:
            _log(wp, "ERROR", "Failed to find attribute '%s' in '%s'." % (attr, module_name))
            _log(wp, "INFO", "Worker exiting (pid: %d)" % wp)
        _log(pid, "ERROR", "Worker (pid:%d) exited with code 4" % worker_pids[0])
        _log(pid, "ERROR", "Shutting down: Master")
        _log(pid, "ERROR", "Reason: App failed to load.")
        sys.exit(4)

    def stop(signum, frame):
        name = {2: "int", 15: "term", 3: "quit", 1: "hup"}.get(signum, str(signum))
        _log(pid, "INFO", "Handling signal: %s" % name)
        for wp in worker_pids:
            _log(wp, "INFO", "Worker exiting (pid: %d)" % wp)
        _log(pid, "INFO", "Shutting down: Master")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGQUIT, stop)

    def handle(environ):
        code, reason, headers, body = call_app(app, environ)
        out = [("Server", "gunicorn"), ("Date", http_date()), ("Connection", "close")]
        out.extend(headers)
        if environ["REQUEST_METHOD"] == "HEAD":
            body = b""
        return code, reason, out, body

    _dockling.serve(host, port, handle)

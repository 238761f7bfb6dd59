# The simulated http.server: SimpleHTTPRequestHandler over the container's files.
import os
import sys
import _dockling

__version__ = "0.6"
_responses = {200: "OK", 301: "Moved Permanently", 404: "File not found", 501: "Unsupported method"}
_types = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml", ".py": "text/x-python", ".md": "text/markdown", ".xml": "application/xml", ".ico": "image/vnd.microsoft.icon", ".pdf": "application/pdf", ".sh": "application/x-sh", ".csv": "text/csv"}


def _guess(path):
    base, dot, ext = path.rpartition(".")
    return _types.get("." + ext.lower(), "application/octet-stream") if dot else "application/octet-stream"


def _quote(name):
    safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~/"
    out = ""
    for ch in name:
        if ch in safe:
            out = out + ch
        else:
            for b in ch.encode():
                out = out + "%%%02X" % b
    return out


def _log(environ, code, size):
    line = "%s %s %s" % (environ["REQUEST_METHOD"], environ.get("RAW_URI", environ["PATH_INFO"]), environ["SERVER_PROTOCOL"])
    sys.stderr.write('%s - - [%s] "%s" %s %s\n' % (environ["REMOTE_ADDR"], _dockling.log_time(), line, code, size))


def _error(environ, code, message):
    explain = {404: "Nothing matches the given URI", 501: "Server does not support this operation"}.get(code, "")
    sys.stderr.write('%s - - [%s] code %d, message %s\n' % (environ["REMOTE_ADDR"], _dockling.log_time(), code, message))
    body = ('<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n'
            '        <title>Error response</title>\n    </head>\n    <body>\n'
            '        <h1>Error response</h1>\n        <p>Error code: %d</p>\n'
            '        <p>Message: %s.</p>\n        <p>Error code explanation: %d - %s.</p>\n'
            '    </body>\n</html>\n') % (code, message, code, explain)
    _log(environ, code, "-")
    return body.encode()


def _err_headers(length):
    py = _dockling.version()
    return [("Server", "SimpleHTTP/%s Python/%s" % (__version__, py)), ("Date", _http_date()), ("Connection", "close"), ("Content-Type", "text/html;charset=utf-8"), ("Content-Length", str(length))]


def _headers(ctype, length, mtime=None):
    py = _dockling.version()
    h = [("Server", "SimpleHTTP/%s Python/%s" % (__version__, py)), ("Date", _http_date()), ("Content-type", ctype), ("Content-Length", str(length))]
    if mtime is not None:
        h.append(("Last-Modified", _dockling.strftime("%a, %d %b %Y %H:%M:%S GMT", mtime)))
    return h


def _http_date():
    return _dockling.strftime("%a, %d %b %Y %H:%M:%S GMT", _dockling.now())


def _make_handler(directory):
    def handle(environ):
        method = environ["REQUEST_METHOD"]
        path = environ["PATH_INFO"]
        if method not in ("GET", "HEAD"):
            body = _error(environ, 501, "Unsupported method ('%s')" % method)
            return 501, "Unsupported method ('%s')" % method, _err_headers(len(body)), body
        fs = os.path.join(directory, path.lstrip("/"))
        if _dockling.fs_isdir(fs):
            if not path.endswith("/"):
                loc = path + "/"
                _log(environ, 301, "-")
                hdr = [("Server", "SimpleHTTP/%s Python/%s" % (__version__, _dockling.version())), ("Date", _http_date()), ("Location", loc), ("Content-Length", "0")]
                return 301, "Moved Permanently", hdr, b""
            for index in ("index.html", "index.htm"):
                data = _dockling.fs_read(os.path.join(fs, index))
                if data is not None:
                    _log(environ, 200, "-")
                    return 200, "OK", _headers("text/html", len(data), _dockling.fs_mtime(os.path.join(fs, index))), data if method == "GET" else b""
            body = _listing(fs, path)
            _log(environ, 200, "-")
            return 200, "OK", _headers("text/html; charset=utf-8", len(body)), body if method == "GET" else b""
        if path.endswith("/"):
            body = _error(environ, 404, "File not found")
            return 404, "File not found", _err_headers(len(body)), body
        data = _dockling.fs_read(fs)
        if data is None:
            body = _error(environ, 404, "File not found")
            return 404, "File not found", _err_headers(len(body)), body
        _log(environ, 200, "-")
        return 200, "OK", _headers(_guess(fs), len(data), _dockling.fs_mtime(fs)), data if method == "GET" else b""
    return handle


def _listing(fs, path):
    entries = _dockling.fs_list(fs) or []
    entries = sorted(entries, key=lambda e: e[0].lower())
    display = _dockling.html_escape(path)
    title = "Directory listing for %s" % display
    r = ['<!DOCTYPE HTML>', '<html lang="en">', '<head>', '<meta charset="utf-8">']
    if sys.version_info[1] >= 14:
        r.append('<style type="text/css">\n:root {\ncolor-scheme: light dark;\n}\n</style>')
    r.append('<title>%s</title>\n</head>' % title)
    r.append('<body>\n<h1>%s</h1>' % title)
    r.append('<hr>\n<ul>')
    for name, is_dir in entries:
        disp = name + "/" if is_dir else name
        link = name + "/" if is_dir else name
        r.append('<li><a href="%s">%s</a></li>' % (_quote(link), _dockling.html_escape(disp)))
    r.append('</ul>\n<hr>\n</body>\n</html>\n')
    return "\n".join(r).encode()


def _main():
    args = sys.argv[1:]
    port = 8000
    bind = None
    directory = os.getcwd()
    while args:
        a = args.pop(0)
        if a in ("-b", "--bind"):
            bind = args.pop(0)
        elif a in ("-d", "--directory"):
            directory = os.path.join(os.getcwd(), args.pop(0))
        elif a.startswith("-"):
            sys.stderr.write("usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\nserver.py: error: unrecognized arguments: %s\n" % a)
            sys.exit(2)
        else:
            try:
                port = int(a)
            except ValueError:
                sys.stderr.write("usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\nserver.py: error: argument port: invalid int value: '%s'\n" % a)
                sys.exit(2)
    host = bind or "0.0.0.0"
    shown = host if ":" not in host else "[%s]" % host
    print("Serving HTTP on %s port %d (http://%s:%d/) ..." % (host, port, shown, port), flush=True)
    try:
        _dockling.serve(host, port, _make_handler(directory))
    except KeyboardInterrupt:
        print("\nKeyboard interrupt received, exiting.")
        sys.exit(0)

# The simulated Werkzeug 3.1 development server: startup banner, request log, responses.
import sys
import logging
import _dockling

WERKZEUG_VERSION = "3.1.3"
HTTP_STATUS_CODES = {
    100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
    204: "No Content", 206: "Partial Content", 301: "Moved Permanently", 302: "Found",
    303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict",
    410: "Gone", 411: "Length Required", 413: "Request Entity Too Large", 415: "Unsupported Media Type",
    418: "I'm a teapot", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}
_logger = None


def _ansi_style(value, *styles):
    codes = {"bold": 1, "red": 31, "green": 32, "yellow": 33, "magenta": 35, "cyan": 36}
    for style in styles:
        value = "\x1b[%dm%s" % (codes[style], value)
    return value + "\x1b[0m"


def _has_level_handler(logger):
    level = logger.getEffectiveLevel()
    current = logger
    while current:
        for h in current.handlers:
            if h.level <= level:
                return True
        if not current.propagate:
            break
        current = current.parent
    return False


def _log(type, message, *args):
    global _logger
    if _logger is None:
        _logger = logging.getLogger("werkzeug")
        if _logger.level == logging.NOTSET:
            _logger.setLevel(logging.INFO)
        if not _has_level_handler(_logger):
            _logger.addHandler(logging.StreamHandler())
    getattr(_logger, type)(message.rstrip(), *args)


def http_date():
    return _dockling.strftime("%a, %d %b %Y %H:%M:%S GMT", _dockling.now())


def status_line(code):
    return "%d %s" % (code, HTTP_STATUS_CODES.get(code, "UNKNOWN").upper())


def error_page(code, description):
    name = HTTP_STATUS_CODES.get(code, "Unknown Error")
    return (
        "<!doctype html>\n"
        "<html lang=en>\n"
        "<title>%d %s</title>\n"
        "<h1>%s</h1>\n"
        "<p>%s</p>\n" % (code, name, name, description)
    )


def log_request(environ, code, size="-"):
    msg = "%s %s %s" % (environ["REQUEST_METHOD"], environ.get("RAW_URI", environ["PATH_INFO"]), environ["SERVER_PROTOCOL"])
    code = str(code)
    if code[0] == "1":
        msg = _ansi_style(msg, "bold")
    elif code == "200":
        pass
    elif code == "304":
        msg = _ansi_style(msg, "cyan")
    elif code[0] == "3":
        msg = _ansi_style(msg, "green")
    elif code == "404":
        msg = _ansi_style(msg, "yellow")
    elif code[0] == "4":
        msg = _ansi_style(msg, "bold", "red")
    else:
        msg = _ansi_style(msg, "bold", "magenta")
    _log("info", '%s - - [%s] "%s" %s %s\n' % (environ["REMOTE_ADDR"], _dockling.log_time(), msg, code, size))


def call_app(app, environ):
    """Runs a WSGI app: (code, reason, headers, body)."""
    state = []

    def start_response(status, headers, exc_info=None):
        state[:] = [status, headers]
        return None

    try:
        result = app(environ, start_response)
        body = b"".join([(x if isinstance(x, bytes) else x.encode()) for x in result])
    except Exception:
        _log("error", "Error on request:\n%s" % _dockling.format_exc())
        page = error_page(500, "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.")
        state[:] = [status_line(500), [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]]
        body = page.encode()
    status, headers = state
    code, _, reason = status.partition(" ")
    return int(code), reason, list(headers), body


def _handler(app):
    def handle(environ):
        code, reason, headers, body = call_app(app, environ)
        out = [("Server", "Werkzeug/%s Python/%s" % (WERKZEUG_VERSION, _dockling.version())), ("Date", http_date())]
        out.extend(headers)
        keys = [k.lower() for k, v in headers]
        if "content-length" not in keys and environ["REQUEST_METHOD"] != "HEAD" and code not in (204, 304):
            out.append(("Transfer-Encoding", "chunked"))
        out.append(("Connection", "close"))
        log_request(environ, code)
        if environ["REQUEST_METHOD"] == "HEAD":
            body = b""
        return code, reason, out, body
    return handle


def _pin():
    n = _dockling.now() % 1000000000
    s = "%09d" % ((n * 7919 + 104729) % 1000000000)
    return "%s-%s-%s" % (s[0:3], s[3:6], s[6:9])


def run_simple(hostname, port, application, use_reloader=False, use_debugger=False, use_evalex=True, threaded=False, **kwargs):
    dev_warning = "WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead."
    messages = [_ansi_style(dev_warning, "bold", "red")]
    display = hostname
    if hostname in ("0.0.0.0", "::"):
        messages.append(" * Running on all addresses (%s)" % hostname)
        if hostname == "0.0.0.0":
            localhost = "127.0.0.1"
            display = _dockling.container_ip()
        else:
            localhost = "[::1]"
            display = "::1"
        messages.append(" * Running on http://%s:%d" % (localhost, port))
    if ":" in display:
        display = "[%s]" % display
    messages.append(" * Running on http://%s:%d" % (display, port))
    _log("info", "\n".join(messages))
    _log("info", _ansi_style("Press CTRL+C to quit", "yellow"))
    if use_reloader:
        _log("info", " * Restarting with stat")
    if use_debugger:
        _log("warning", " * Debugger is active!")
        _log("info", " * Debugger PIN: %s" % _pin())
    try:
        _dockling.serve(hostname, port, _handler(application))
    except KeyboardInterrupt:
        pass

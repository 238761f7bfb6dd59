import sys
import time as _time
import _dockling

CRITICAL = 50
FATAL = 50
ERROR = 40
WARNING = 30
WARN = 30
INFO = 20
DEBUG = 10
NOTSET = 0
_names = {50: "CRITICAL", 40: "ERROR", 30: "WARNING", 20: "INFO", 10: "DEBUG", 0: "NOTSET"}
BASIC_FORMAT = "%(levelname)s:%(name)s:%(message)s"


def getLevelName(level):
    return _names.get(level, "Level %s" % level)


def _level(level):
    if isinstance(level, str):
        for k, v in _names.items():
            if v == level:
                return k
        raise ValueError("Unknown level: %r" % level)
    return level


class LogRecord:
    def __init__(self, name, level, msg, args, exc_text=None):
        self.name = name
        self.levelno = level
        self.levelname = getLevelName(level)
        self.msg = msg
        self.args = args
        self.exc_text = exc_text
        now = _dockling.now()
        self.created = now / 1000
        self.msecs = now % 1000
        self._ms = now
        self.module = "app"
        self.process = _dockling.pid()
        self.funcName = "<module>"
        self.lineno = 0
        self.pathname = ""
        self.filename = ""
        self.threadName = "MainThread"
        self.processName = "MainProcess"

    def getMessage(self):
        msg = str(self.msg)
        if self.args:
            msg = msg % self.args
        return msg


class Formatter:
    def __init__(self, fmt=None, datefmt=None, style="%"):
        self._fmt = fmt or "%(message)s"
        self.datefmt = datefmt
        self.style = style

    def formatTime(self, record, datefmt=None):
        if datefmt:
            return _dockling.strftime(datefmt, record._ms)
        return _dockling.strftime("%Y-%m-%d %H:%M:%S", record._ms) + ",%03d" % record.msecs

    def usesTime(self):
        return "asctime" in self._fmt

    def format(self, record):
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        if self.style == "{":
            s = self._fmt.format(**record.__dict__)
        else:
            s = self._fmt % record.__dict__
        if record.exc_text:
            if s[-1:] != "\n":
                s = s + "\n"
            s = s + record.exc_text
        return s


class Handler:
    def __init__(self, level=NOTSET):
        self.level = _level(level)
        self.formatter = None

    def setLevel(self, level):
        self.level = _level(level)

    def setFormatter(self, fmt):
        self.formatter = fmt

    def format(self, record):
        return (self.formatter or _default_formatter).format(record)

    def handle(self, record):
        if record.levelno >= self.level:
            self.emit(record)


class StreamHandler(Handler):
    def __init__(self, stream=None):
        Handler.__init__(self)
        self.stream = stream

    def emit(self, record):
        stream = self.stream if self.stream is not None else sys.stderr
        stream.write(self.format(record) + "\n")
        stream.flush()


class FileHandler(StreamHandler):
    def __init__(self, filename, mode="a", encoding=None):
        StreamHandler.__init__(self, open(filename, mode))


class NullHandler(Handler):
    def emit(self, record):
        pass


_default_formatter = Formatter()


class Logger:
    def __init__(self, name, level=NOTSET):
        self.name = name
        self.level = _level(level)
        self.handlers = []
        self.parent = None
        self.propagate = True
        self.disabled = False

    def setLevel(self, level):
        self.level = _level(level)

    def getEffectiveLevel(self):
        logger = self
        while logger is not None:
            if logger.level:
                return logger.level
            logger = logger.parent
        return NOTSET

    def isEnabledFor(self, level):
        return level >= self.getEffectiveLevel()

    def addHandler(self, h):
        if h not in self.handlers:
            self.handlers.append(h)

    def removeHandler(self, h):
        if h in self.handlers:
            self.handlers.remove(h)

    def hasHandlers(self):
        c = self
        while c:
            if c.handlers:
                return True
            if not c.propagate:
                return False
            c = c.parent
        return False

    def _log(self, level, msg, args, exc_info=False):
        if self.disabled or not self.isEnabledFor(level):
            return
        exc_text = None
        if exc_info:
            exc_text = _dockling_format_exc()
        record = LogRecord(self.name, level, msg, args, exc_text)
        c = self
        found = 0
        while c:
            for h in c.handlers:
                found = found + 1
                h.handle(record)
            if not c.propagate:
                break
            c = c.parent
        if found == 0 and level >= WARNING:
            lastResort.handle(record)

    def debug(self, msg, *args, **kw):
        self._log(DEBUG, msg, args, kw.get("exc_info", False))

    def info(self, msg, *args, **kw):
        self._log(INFO, msg, args, kw.get("exc_info", False))

    def warning(self, msg, *args, **kw):
        self._log(WARNING, msg, args, kw.get("exc_info", False))

    warn = warning

    def error(self, msg, *args, **kw):
        self._log(ERROR, msg, args, kw.get("exc_info", False))

    def exception(self, msg, *args, **kw):
        self._log(ERROR, msg, args, True)

    def critical(self, msg, *args, **kw):
        self._log(CRITICAL, msg, args, kw.get("exc_info", False))

    fatal = critical

    def log(self, level, msg, *args, **kw):
        self._log(level, msg, args, kw.get("exc_info", False))


def _dockling_format_exc():
    import traceback
    return traceback.format_exc().rstrip("\n")


root = Logger("root", WARNING)
lastResort = StreamHandler()
lastResort.level = WARNING
_loggers = {}


def getLogger(name=None):
    if not name or name == "root":
        return root
    if name in _loggers:
        return _loggers[name]
    logger = Logger(name)
    parent = root
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        pname = ".".join(parts[:i])
        if pname in _loggers:
            parent = _loggers[pname]
            break
    logger.parent = parent
    _loggers[name] = logger
    return logger


def basicConfig(**kwargs):
    if root.handlers and not kwargs.get("force"):
        return
    if kwargs.get("force"):
        root.handlers = []
    if "filename" in kwargs:
        h = FileHandler(kwargs["filename"], kwargs.get("filemode", "a"))
    else:
        h = StreamHandler(kwargs.get("stream"))
    h.setFormatter(Formatter(kwargs.get("format", BASIC_FORMAT), kwargs.get("datefmt"), kwargs.get("style", "%")))
    root.addHandler(h)
    if "level" in kwargs:
        root.setLevel(kwargs["level"])


def _root_log(level, msg, args, exc_info=False):
    if not root.handlers:
        basicConfig()
    root._log(level, msg, args, exc_info)


def debug(msg, *args, **kw):
    _root_log(DEBUG, msg, args)


def info(msg, *args, **kw):
    _root_log(INFO, msg, args)


def warning(msg, *args, **kw):
    _root_log(WARNING, msg, args)


def error(msg, *args, **kw):
    _root_log(ERROR, msg, args)


def exception(msg, *args, **kw):
    _root_log(ERROR, msg, args, True)


def critical(msg, *args, **kw):
    _root_log(CRITICAL, msg, args)


def log(level, msg, *args, **kw):
    _root_log(level, msg, args)


def disable(level=CRITICAL):
    pass

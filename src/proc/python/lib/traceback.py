import sys
import _dockling


def format_exc(limit=None, chain=True):
    return _dockling.format_exc()


def print_exc(limit=None, file=None, chain=True):
    (file or sys.stderr).write(_dockling.format_exc())


def print_exception(exc, value=None, tb=None, limit=None, file=None, chain=True):
    (file or sys.stderr).write(_dockling.format_exc(value if value is not None else exc))


def format_exception(exc, value=None, tb=None, limit=None, chain=True):
    return [_dockling.format_exc(value if value is not None else exc)]


def print_stack(f=None, limit=None, file=None):
    raise RuntimeError("dockling: python: traceback.print_stack() is not simulated")

SIGHUP = 1
SIGINT = 2
SIGQUIT = 3
SIGKILL = 9
SIGUSR1 = 10
SIGUSR2 = 12
SIGTERM = 15
SIG_DFL = 0
SIG_IGN = 1
_handlers = {}


def default_int_handler(signalnum, frame):
    raise KeyboardInterrupt


def getsignal(signalnum):
    if signalnum in _handlers:
        return _handlers[signalnum]
    if signalnum == SIGINT:
        return default_int_handler
    return SIG_DFL


def signal(signalnum, handler):
    if signalnum == SIGKILL:
        raise OSError(22, "Invalid argument")
    old = getsignal(signalnum)
    if handler is default_int_handler:
        _handlers.pop(signalnum, None)
    else:
        _handlers[signalnum] = handler
    return old

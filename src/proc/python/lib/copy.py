import _dockling


class Error(Exception):
    pass


def copy(x):
    if isinstance(x, (list, dict, set)):
        return x.copy()
    if isinstance(x, (int, float, str, bool, tuple, frozenset, bytes, type(None))):
        return x
    if hasattr(x, "__copy__"):
        return x.__copy__()
    return _dockling.copy_inst(x)


def deepcopy(x, memo=None):
    if memo is None:
        memo = {}
    i = id(x)
    if i in memo:
        return memo[i]
    if isinstance(x, list):
        y = []
        memo[i] = y
        for v in x:
            y.append(deepcopy(v, memo))
        return y
    if isinstance(x, dict):
        y = {}
        memo[i] = y
        for k, v in x.items():
            y[deepcopy(k, memo)] = deepcopy(v, memo)
        return y
    if isinstance(x, tuple):
        return tuple([deepcopy(v, memo) for v in x])
    if isinstance(x, set):
        return set([deepcopy(v, memo) for v in x])
    if isinstance(x, (int, float, str, bool, frozenset, bytes, type(None))):
        return x
    if hasattr(x, "__deepcopy__"):
        return x.__deepcopy__(memo)
    y = _dockling.copy_inst(x)
    memo[i] = y
    for k, v in vars(x).items():
        object.__setattr__(y, k, deepcopy(v, memo))
    return y

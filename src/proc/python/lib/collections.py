import sys as _sys


class defaultdict(dict):
    def __init__(self, default_factory=None, *args, **kwargs):
        dict.__init__(self, *args, **kwargs)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        self[key] = value
        return value

    def __repr__(self):
        f = self.default_factory
        return "defaultdict(%s, %s)" % (repr(f), dict.__repr__(self))

    def copy(self):
        d = defaultdict(self.default_factory)
        d.update(self)
        return d


class Counter(dict):
    def __init__(self, iterable=None, **kwds):
        dict.__init__(self)
        self.update(iterable, **kwds)

    def __missing__(self, key):
        return 0

    def update(self, iterable=None, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                for k, v in iterable.items():
                    self[k] = self[k] + v
            else:
                for elem in iterable:
                    self[elem] = self[elem] + 1
        for k, v in kwds.items():
            self[k] = self[k] + v

    def subtract(self, iterable=None, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                for k, v in iterable.items():
                    self[k] = self[k] - v
            else:
                for elem in iterable:
                    self[elem] = self[elem] - 1
        for k, v in kwds.items():
            self[k] = self[k] - v

    def most_common(self, n=None):
        items = sorted(self.items(), key=lambda kv: kv[1], reverse=True)
        return items if n is None else items[:n]

    def elements(self):
        out = []
        for k, v in self.items():
            for i in range(v):
                out.append(k)
        return iter(out)

    def total(self):
        return sum(self.values())

    def __add__(self, other):
        r = Counter()
        for k, v in self.items():
            n = v + other[k]
            if n > 0:
                r[k] = n
        for k, v in other.items():
            if k not in self and v > 0:
                r[k] = v
        return r

    def __sub__(self, other):
        r = Counter()
        for k, v in self.items():
            n = v - other[k]
            if n > 0:
                r[k] = n
        return r

    def __repr__(self):
        if not self:
            return "Counter()"
        return "Counter({%s})" % ", ".join(["%r: %r" % kv for kv in self.most_common()])


class OrderedDict(dict):
    def move_to_end(self, key, last=True):
        value = self.pop(key)
        if last:
            self[key] = value
        else:
            items = list(self.items())
            self.clear()
            self[key] = value
            for k, v in items:
                self[k] = v

    def popitem(self, last=True):
        if not self:
            raise KeyError("dictionary is empty")
        key = list(self.keys())[-1 if last else 0]
        return key, self.pop(key)

    def __repr__(self):
        if not self:
            return "OrderedDict()"
        if _sys.version_info[1] >= 12:
            return "OrderedDict(%s)" % dict.__repr__(self)
        return "OrderedDict(%r)" % list(self.items())


class deque:
    def __init__(self, iterable=(), maxlen=None):
        self._items = []
        self.maxlen = maxlen
        for x in iterable:
            self.append(x)

    def append(self, x):
        self._items.append(x)
        if self.maxlen is not None and len(self._items) > self.maxlen:
            self._items.pop(0)

    def appendleft(self, x):
        self._items.insert(0, x)
        if self.maxlen is not None and len(self._items) > self.maxlen:
            self._items.pop()

    def pop(self):
        if not self._items:
            raise IndexError("pop from an empty deque")
        return self._items.pop()

    def popleft(self):
        if not self._items:
            raise IndexError("pop from an empty deque")
        return self._items.pop(0)

    def extend(self, it):
        for x in it:
            self.append(x)

    def extendleft(self, it):
        for x in it:
            self.appendleft(x)

    def clear(self):
        self._items = []

    def rotate(self, n=1):
        if self._items:
            n = n % len(self._items)
            self._items = self._items[-n:] + self._items[:-n]

    def count(self, x):
        return self._items.count(x)

    def remove(self, x):
        self._items.remove(x)

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __setitem__(self, i, v):
        self._items[i] = v

    def __bool__(self):
        return bool(self._items)

    def __eq__(self, other):
        return isinstance(other, deque) and self._items == other._items

    def __repr__(self):
        if self.maxlen is not None:
            return "deque(%r, maxlen=%d)" % (self._items, self.maxlen)
        return "deque(%r)" % (self._items,)


def namedtuple(typename, field_names, defaults=None, rename=False, module=None):
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    fields = tuple(field_names)
    ndefaults = len(defaults) if defaults else 0

    def __init__(self, *args, **kwargs):
        values = list(args)
        if len(values) > len(fields):
            raise TypeError("%s.__new__() takes %d positional arguments but %d were given" % (typename, len(fields) + 1, len(values) + 1))
        for name in fields[len(values):]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            else:
                idx = fields.index(name)
                if defaults and idx >= len(fields) - ndefaults:
                    values.append(defaults[idx - (len(fields) - ndefaults)])
                else:
                    missing = [f for f in fields[len(values):] if f not in kwargs]
                    raise TypeError("%s.__new__() missing %d required positional argument%s: %s" % (typename, len(missing), "" if len(missing) == 1 else "s", ", ".join(["'%s'" % m for m in missing])))
        if kwargs:
            raise TypeError("%s.__new__() got an unexpected keyword argument '%s'" % (typename, list(kwargs)[0]))
        object.__setattr__(self, "_values", tuple(values))
        for n, v in zip(fields, values):
            object.__setattr__(self, n, v)

    def __repr__(self):
        return "%s(%s)" % (typename, ", ".join(["%s=%r" % (n, v) for n, v in zip(fields, self._values)]))

    def __iter__(self):
        return iter(self._values)

    def __getitem__(self, i):
        return self._values[i]

    def __len__(self):
        return len(fields)

    def __eq__(self, other):
        return tuple(self) == tuple(other)

    def __lt__(self, other):
        return tuple(self) < tuple(other)

    def __hash__(self):
        return hash(self._values)

    def __setattr__(self, name, value):
        raise AttributeError("can't set attribute")

    def _asdict(self):
        return dict(zip(fields, self._values))

    def _replace(self, **kw):
        d = self._asdict()
        d.update(kw)
        return cls(**d)

    ns = {"__init__": __init__, "__repr__": __repr__, "__iter__": __iter__, "__getitem__": __getitem__,
          "__len__": __len__, "__eq__": __eq__, "__lt__": __lt__, "__hash__": __hash__, "__setattr__": __setattr__,
          "_asdict": _asdict, "_replace": _replace, "_fields": fields}
    cls = type(typename, (), ns)
    return cls


class ChainMap(dict):
    def __init__(self, *maps):
        dict.__init__(self)
        for m in reversed(maps):
            self.update(m)
        self.maps = list(maps)

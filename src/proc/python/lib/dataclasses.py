MISSING = object()


class Field:
    def __init__(self, default=MISSING, default_factory=MISSING, repr=True, compare=True, init=True):
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare
        self.init = init
        self.name = None


def field(default=MISSING, default_factory=MISSING, repr=True, compare=True, init=True, **kw):
    return Field(default, default_factory, repr, compare, init)


def _fields_of(cls):
    out = []
    for klass in reversed(cls.__mro__):
        ann = klass.__dict__.get("__annotations__", {}) if hasattr(klass, "__dict__") else {}
        for name in ann:
            f = getattr(klass, "__dataclass_field_" + name, None)
            if f is None:
                default = klass.__dict__.get(name, MISSING)
                if isinstance(default, Field):
                    f = default
                else:
                    f = Field(default)
                f.name = name
            out = [o for o in out if o.name != name]
            out.append(f)
    return out


def dataclass(cls=None, init=True, repr=True, eq=True, order=False, frozen=False, **kw):
    def wrap(cls):
        fields = _fields_of(cls)
        for f in fields:
            setattr(cls, "__dataclass_field_" + f.name, f)
            if f.default is not MISSING:
                setattr(cls, f.name, f.default)
        cls.__dataclass_fields__ = dict([(f.name, f) for f in fields])
        names = [f.name for f in fields if f.init]
        seen_default = False
        for f in fields:
            if f.init:
                if f.default is not MISSING or f.default_factory is not MISSING:
                    seen_default = True
                elif seen_default:
                    raise TypeError("non-default argument '%s' follows default argument" % f.name)
        if init:
            params = []
            body = []
            env = {"MISSING": MISSING}
            for f in fields:
                if not f.init:
                    continue
                if f.default is not MISSING:
                    env["_dflt_" + f.name] = f.default
                    params.append("%s=_dflt_%s" % (f.name, f.name))
                elif f.default_factory is not MISSING:
                    env["_fact_" + f.name] = f.default_factory
                    params.append("%s=MISSING" % f.name)
                else:
                    params.append(f.name)
            for f in fields:
                if f.default_factory is not MISSING:
                    body.append("    self.%s = _fact_%s() if %s is MISSING else %s" % (f.name, f.name, f.name, f.name) if f.init else "    self.%s = _fact_%s()" % (f.name, f.name))
                elif f.init:
                    body.append("    self.%s = %s" % (f.name, f.name))
            if hasattr(cls, "__post_init__"):
                body.append("    self.__post_init__()")
            if not body:
                body.append("    pass")
            src = "def __init__(self%s):\n%s\n" % ("".join([", " + p for p in params]), "\n".join(body))
            exec(src, env)
            fn = env["__init__"]
            fn.__qualname__ = cls.__qualname__ + ".__init__"
            cls.__init__ = fn
        if repr:
            def __repr__(self):
                return "%s(%s)" % (type(self).__qualname__, ", ".join(["%s=%r" % (f.name, getattr(self, f.name)) for f in fields if f.repr]))
            cls.__repr__ = __repr__
        if eq:
            def __eq__(self, other):
                if other.__class__ is not self.__class__:
                    return NotImplemented
                return tuple([getattr(self, f.name) for f in fields if f.compare]) == tuple([getattr(other, f.name) for f in fields if f.compare])
            cls.__eq__ = __eq__
        if order:
            def __lt__(self, other):
                return tuple([getattr(self, f.name) for f in fields]) < tuple([getattr(other, f.name) for f in fields])
            cls.__lt__ = __lt__
        if frozen:
            def __setattr__(self, name, value):
                raise FrozenInstanceError("cannot assign to field '%s'" % name)
            cls.__setattr__ = __setattr__
        return cls
    if cls is None:
        return wrap
    return wrap(cls)


class FrozenInstanceError(AttributeError):
    pass


def asdict(obj):
    out = {}
    for f in _fields_of(type(obj)):
        v = getattr(obj, f.name)
        if hasattr(type(v), "__dataclass_fields__"):
            v = asdict(v)
        out[f.name] = v
    return out


def astuple(obj):
    return tuple([getattr(obj, f.name) for f in _fields_of(type(obj))])


def fields(obj):
    return tuple(_fields_of(obj if isinstance(obj, type) else type(obj)))


def is_dataclass(obj):
    return hasattr(obj, "__dataclass_fields__")

TYPE_CHECKING = False


class _Alias:
    def __init__(self, name):
        self._name = name

    def __getitem__(self, item):
        return self

    def __call__(self, *a, **k):
        return a[0] if a else None

    def __repr__(self):
        return "typing." + self._name

    def __or__(self, other):
        return self


Any = _Alias("Any")
List = _Alias("List")
Dict = _Alias("Dict")
Set = _Alias("Set")
FrozenSet = _Alias("FrozenSet")
Tuple = _Alias("Tuple")
Optional = _Alias("Optional")
Union = _Alias("Union")
Callable = _Alias("Callable")
Iterable = _Alias("Iterable")
Iterator = _Alias("Iterator")
Sequence = _Alias("Sequence")
Mapping = _Alias("Mapping")
MutableMapping = _Alias("MutableMapping")
Type = _Alias("Type")
Generator = _Alias("Generator")
Literal = _Alias("Literal")
ClassVar = _Alias("ClassVar")
Final = _Alias("Final")
Annotated = _Alias("Annotated")
NoReturn = _Alias("NoReturn")
Awaitable = _Alias("Awaitable")
Coroutine = _Alias("Coroutine")
AsyncIterator = _Alias("AsyncIterator")
DefaultDict = _Alias("DefaultDict")
Counter = _Alias("Counter")
Deque = _Alias("Deque")
IO = _Alias("IO")
TextIO = _Alias("TextIO")
Pattern = _Alias("Pattern")
Match = _Alias("Match")
Self = _Alias("Self")
Never = _Alias("Never")
LiteralString = _Alias("LiteralString")
TypeAlias = _Alias("TypeAlias")
Hashable = _Alias("Hashable")
Sized = _Alias("Sized")
Collection = _Alias("Collection")


def TypeVar(name, *constraints, **kw):
    return _Alias(name)


def cast(typ, val):
    return val


def overload(f):
    return f


def final(f):
    return f


def get_type_hints(obj):
    return dict(getattr(obj, "__annotations__", {}))


class Generic:
    def __class_getitem__(cls, item):
        return cls


class Protocol:
    pass


def NewType(name, tp):
    return tp


class NamedTuple:
    pass


class TypedDict(dict):
    pass

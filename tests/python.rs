//! The simulated Python, pip and servers, driven through the `Program` trait with a fake
//! container. Expectations come from real CPython 3.11 (run with the same files under
//! `PYTHON_VERSION=3.11.7`) or from CPython's sources for the 3.13 behaviour.

mod common;

use dockling::api::StdStream;
use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, HttpRequest, Input, Program, Status};
use dockling::proc::python;
use dockling::proc::{Captured, Chunk, Signal};
use dockling::vfs::{Meta, NodeKind, Tree};

const START: SimTime = SimTime(1_751_364_000_000);

fn meta() -> Meta {
    Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime(0) }
}

/// A container as the programs see it.
struct Sim {
    fs: Tree,
    now: SimTime,
    env: Vec<String>,
    stdin: Input,
    out: Captured,
    tty: bool,
    cwd: String,
    prog: Option<Box<dyn Program>>,
    exit: Option<i32>,
}

macro_rules! ctx {
    ($s:expr) => {
        Ctx {
            fs: &mut $s.fs,
            now: $s.now,
            cwd: &$s.cwd,
            env: &$s.env,
            hostname: "3f4e1a2b9c0d",
            ip: "172.17.0.2",
            pid: 1,
            uid: 0,
            stdin: &mut $s.stdin,
            tty: $s.tty,
            out: &mut $s.out,
            seed: 7,
            online: true,
        }
    };
}

impl Sim {
    fn new(files: &[(&str, &str)], env: &[&str]) -> Sim {
        let mut fs = Tree::new(meta());
        fs.mkdir("/app", true, &meta()).unwrap();
        fs.mkdir("/usr/local/bin", true, &meta()).unwrap();
        for (p, c) in files {
            let path = if p.starts_with('/') { p.to_string() } else { format!("/app/{p}") };
            fs.insert(
                &path,
                dockling::vfs::Node { kind: NodeKind::File(std::sync::Arc::new(c.as_bytes().to_vec())), meta: meta() },
                &meta(),
            )
            .unwrap();
        }
        let mut e: Vec<String> = vec!["PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()];
        if !env.iter().any(|v| v.starts_with("PYTHON_VERSION=")) {
            e.push("PYTHON_VERSION=3.13.5".into());
        }
        e.extend(env.iter().map(|s| s.to_string()));
        Sim { fs, now: START, env: e, stdin: Input::default(), out: Captured::default(), tty: false, cwd: "/app".into(), prog: None, exit: None }
    }

    fn start_argv(&mut self, argv: &[&str]) {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let p = python::start(&argv, &mut ctx!(self));
        self.prog = Some(p);
    }

    fn start(&mut self, argv: &str) {
        let argv: Vec<String> = argv.split(' ').map(str::to_string).collect();
        let p = python::start(&argv, &mut ctx!(self));
        self.prog = Some(p);
    }

    /// Steps until the program exits or waits for input, connections or signals; sleeps
    /// jump the clock. Returns whether it is still running.
    fn run(&mut self) -> bool {
        for _ in 0..100_000 {
            let Some(mut p) = self.prog.take() else { return false };
            let st = p.step(&mut ctx!(self));
            self.prog = Some(p);
            match st {
                Status::Exited(c) => {
                    self.exit = Some(c);
                    return false;
                }
                Status::Waiting(w) => match w.until {
                    Some(t) => self.now = self.now.max(t),
                    None => return true,
                },
            }
        }
        panic!("program did not settle");
    }

    fn input(&mut self, text: &str) {
        self.stdin.buf.push_str(text);
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.out.chunks {
            if let Chunk::Text(_, t) = c {
                s.push_str(t);
            }
        }
        s
    }

    fn stream(&self, which: StdStream) -> String {
        self.out.text(which)
    }

    fn take(&mut self) -> String {
        let t = self.text();
        self.out = Captured::default();
        t
    }

    fn get(&mut self, port: u16, target: &str) -> (u16, String, Vec<(String, String)>, String) {
        self.request(port, "GET", target, &[], "")
    }

    fn request(&mut self, port: u16, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, Vec<(String, String)>, String) {
        let mut h: Vec<(String, String)> = vec![("Host".into(), format!("localhost:{port}")), ("User-Agent".into(), "curl/8.5.0".into()), ("Accept".into(), "*/*".into())];
        h.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let req = HttpRequest { method: method.into(), target: target.into(), headers: h, body: body.as_bytes().to_vec(), peer: "172.17.0.1".into() };
        let mut p = self.prog.take().expect("running");
        let r = p.http(port, &req, &mut ctx!(self)).expect("listening");
        self.prog = Some(p);
        (r.status, r.reason, r.headers, String::from_utf8_lossy(&r.body).to_string())
    }

    fn signal(&mut self, sig: Signal) -> bool {
        let mut p = self.prog.take().expect("running");
        let d = p.signal(sig, &mut ctx!(self));
        self.prog = Some(p);
        d == dockling::proc::program::Disposition::Handled
    }

    fn file(&self, path: &str) -> Option<String> {
        match self.fs.get(path).map(|n| &n.kind) {
            Some(NodeKind::File(d)) => Some(String::from_utf8_lossy(d).to_string()),
            _ => None,
        }
    }
}

/// Runs `python3 main.py` (or `argv`) to the end with stdin closed; compares everything the
/// program wrote (stdout and stderr, in order) and the exit code.
fn check_with(files: &[(&str, &str)], env: &[&str], argv: &str, stdin: &str, expected: &str) {
    let mut s = Sim::new(files, env);
    s.stdin = Input::complete(stdin);
    s.start(argv);
    assert!(!s.run(), "still running: {}", s.text());
    let got = format!("{}[exit {}]", s.text(), s.exit.unwrap());
    assert_eq!(got, expected);
}

fn check(src: &str, expected: &str) {
    check_with(&[("main.py", src)], &[], "python3 main.py", "", expected);
}

fn check311(src: &str, expected: &str) {
    check_with(&[("main.py", src)], &["PYTHON_VERSION=3.11.7"], "python3 main.py", "", expected);
}

// ---------------------------------------------------------------- compared with CPython 3.11

#[test]
fn cpython311_c01() {
    check311(
        r###"print("hello", 1, 2.5, None, True, [1, "a"], (1,), {"k": [1, 2]}, {1, 2, 3}, set())
print(1/3, 2/3, 10/4, 1e100, 1.5e-7, -0.0, float("inf"), float("nan"), 123456789012345678.0)
print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, 2 ** 10, 2 ** -1, 2 ** 64, -2 ** 2, (-2) ** 2)
print(int("42"), int(" -7 "), int("ff", 16), int("0x1f", 0), float("3.5"), str(3.0), repr("it's"), bool([]), bool("x"))
print(divmod(17, 5), divmod(-17, 5), abs(-3), abs(-2.5), round(2.5), round(3.5), round(2.675, 2), round(7, -1))
print(max(3, 1, 2), min([4, 5]), sum([1, 2, 3], 10), sorted("banana"), list(reversed([1, 2, 3])))
print(hex(255), oct(8), bin(5), chr(65), ord("a"), len("héllo"), "abc"[::-1], "hello"[1:4], [1,2,3,4,5][::2])
print(10**20, 2**100 // 3, -(10**20) % 7, 12345678901234567890 * 98765432109876543210)
print(f"{'x':*^9}|{3.14159:.3f}|{42:05d}|{1234567:,}|{0.25:.1%}|{255:#x}|{'r'!r}|{7:>4}|{-3:+}")
x = 5
print(f"{x=}", f"{x + 1 = }", f"{x:>{3}}")
print("%s|%5d|%-5d|%.2f|%x|%o|%e|%r|%c|%%" % ("s", 42, 42, 3.14159, 255, 8, 12345.678, "q", 65))
print("{} {} {name}".format(1, 2, name="n"), "{0}{1}{0}".format("a", "b"), "{:>6.2f}".format(3.14159))
"###,
        r###"hello 1 2.5 None True [1, 'a'] (1,) {'k': [1, 2]} {1, 2, 3} set()
0.3333333333333333 0.6666666666666666 2.5 1e+100 1.5e-07 -0.0 inf nan 1.2345678901234568e+17
3 -4 1 2 -2 1024 0.5 18446744073709551616 -4 4
42 -7 255 31 3.5 3.0 "it's" False True
(3, 2) (-4, 3) 3 2.5 2 4 2.67 10
3 4 16 ['a', 'a', 'a', 'b', 'n', 'n'] [3, 2, 1]
0xff 0o10 0b101 A 97 5 cba ell [1, 3, 5]
100000000000000000000 422550200076076467165567735125 5 1219326311370217952237463801111263526900
****x****|3.142|00042|1,234,567|25.0%|0xff|'r'|   7|-3
x=5 x + 1 = 6   5
s|   42|42   |3.14|ff|10|1.234568e+04|'q'|A|%
1 2 n aba   3.14
[exit 0]"###,
    );
}

#[test]
fn cpython311_c02() {
    check311(
        r###"s = "Hello, World"
print(s.lower(), s.upper(), s.split(", "), s.replace("l", "L", 2), s.find("o"), s.rfind("o"), s.count("l"))
print(s.startswith("He"), s.endswith(("x", "ld")), s.strip("Hd"), "  pad  ".strip(), "a-b-c".split("-", 1), "a b  c".split())
print(",".join(["a", "b"]), s.title(), s.swapcase(), s.center(20, "*"), s.ljust(15, "."), s.rjust(15), "42".zfill(5))
print("abc".isalpha(), "123".isdigit(), " ".isspace(), "Ab".isupper(), "x".islower(), "a1".isalnum())
print(s.partition(", "), s.rpartition("o"), "line1\nline2\r\nline3".splitlines(), "tab\there".expandtabs(4))
print(s.index("W"), "abc".removeprefix("a"), "abc".removesuffix("c"), "Hi".encode(), b"hi".decode(), "x".join("abc"))
l = [3, 1, 2]
l.append(4); l.extend([5, 6]); l.insert(0, 0); l.remove(3); print(l, l.pop(), l.pop(0), l, l.index(2), l.count(1))
l.sort(); print(l); l.sort(reverse=True); print(l); l.reverse(); print(l, l.copy(), len(l))
d = {"a": 1, "b": 2}
d["c"] = 3; d.update({"d": 4}, e=5); print(d, d.get("z"), d.get("a"), d.pop("a"), d.setdefault("f", 6), d)
print(list(d.keys()), list(d.values()), list(d.items()), "b" in d, len(d), d.popitem(), dict(zip("ab", [1, 2])))
t = (1, 2, 2, 3)
print(t.count(2), t.index(3), t + (4,), t * 2, t[1:], len(t), 2 in t, tuple([1]))
st = {1, 2, 3}
st.add(4); st.discard(1); print(st, st | {9}, st & {2, 3}, st - {2}, st ^ {3, 10}, {1, 2} <= {1, 2, 3}, 3 in st)
print(list(range(5)), list(range(2, 10, 3)), list(range(5, 0, -1)), range(10)[2], len(range(0, 10, 3)))
print(list(enumerate("ab", 1)), list(zip([1, 2], "xy")), list(map(str, [1, 2])), list(filter(None, [0, 1, 2])))
print(any([0, 1]), all([1, 0]), sorted([("b", 2), ("a", 1)]), sorted({"x": 2, "y": 1}.items(), key=lambda kv: kv[1]))
"###,
        r###"hello, world HELLO, WORLD ['Hello', 'World'] HeLLo, World 4 8 3
True True ello, Worl pad ['a', 'b-c'] ['a', 'b', 'c']
a,b Hello, World hELLO, wORLD ****Hello, World**** Hello, World...    Hello, World 00042
True True True False True True
('Hello', ', ', 'World') ('Hello, W', 'o', 'rld') ['line1', 'line2', 'line3'] tab here
7 bc ab b'Hi' hi axbxc
[1, 2, 4, 5] 6 0 [1, 2, 4, 5] 1 1
[1, 2, 4, 5]
[5, 4, 2, 1]
[1, 2, 4, 5] [1, 2, 4, 5] 4
{'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6} None 1 1 6 {'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6}
['b', 'c', 'd', 'e', 'f'] [2, 3, 4, 5, 6] [('b', 2), ('c', 3), ('d', 4), ('e', 5), ('f', 6)] True 5 ('f', 6) {'a': 1, 'b': 2}
2 3 (1, 2, 2, 3, 4) (1, 2, 2, 3, 1, 2, 2, 3) (2, 2, 3) 4 True (1,)
{2, 3, 4} {9, 2, 3, 4} {2, 3} {3, 4} {2, 10, 4} True True
[0, 1, 2, 3, 4] [2, 5, 8] [5, 4, 3, 2, 1] 2 4
[(1, 'a'), (2, 'b')] [(1, 'x'), (2, 'y')] ['1', '2'] [1, 2]
True False [('a', 1), ('b', 2)] [('y', 1), ('x', 2)]
[exit 0]"###,
    );
}

#[test]
fn cpython311_c03() {
    check311(
        r###"class Animal:
    sound = "..."
    count = 0
    def __init__(self, name):
        self.name = name
        Animal.count += 1
    def speak(self):
        return f"{self.name} says {self.sound}"
    def __str__(self):
        return f"Animal({self.name})"
    def __repr__(self):
        return f"<Animal {self.name!r}>"
class Dog(Animal):
    sound = "woof"
    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed
    def speak(self):
        return super().speak() + "!"
    @property
    def tag(self):
        return self.name.upper()
    @staticmethod
    def kind():
        return "canine"
    @classmethod
    def make(cls, n):
        return cls(n, "mutt")
d = Dog("Rex", "lab")
print(d.speak(), d, [d], d.tag, Dog.kind(), Dog.make("Fido").breed, Animal.count, isinstance(d, Animal), issubclass(Dog, Animal))
print(type(d).__name__, type(d), Dog.__mro__[1].__name__, hasattr(d, "breed"), getattr(d, "nope", 42))
class Vec:
    def __init__(self, x, y): self.x, self.y = x, y
    def __add__(self, o): return Vec(self.x + o.x, self.y + o.y)
    def __eq__(self, o): return self.x == o.x and self.y == o.y
    def __len__(self): return 2
    def __getitem__(self, i): return (self.x, self.y)[i]
    def __repr__(self): return f"Vec({self.x}, {self.y})"
    def __lt__(self, o): return self.x < o.x
v = Vec(1, 2) + Vec(3, 4)
print(v, v == Vec(4, 6), len(v), v[0], list(v), sorted([Vec(3, 0), Vec(1, 0)]))
class Stack:
    def __init__(self): self.items = []
    def push(self, x): self.items.append(x); return self
    def __iter__(self): return iter(self.items)
    def __contains__(self, x): return x in self.items
    def __bool__(self): return bool(self.items)
s = Stack().push(1).push(2)
print(list(s), 1 in s, bool(Stack()), [x * 2 for x in s])
class Counter:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        if self.n <= 0: raise StopIteration
        self.n -= 1
        return self.n
print(list(Counter(3)))
"###,
        r###"Rex says woof! Animal(Rex) [<Animal 'Rex'>] REX canine mutt 2 True True
Dog <class '__main__.Dog'> Animal True 42
Vec(4, 6) True 2 4 [4, 6] [Vec(1, 0), Vec(3, 0)]
[1, 2] True False [2, 4]
[2, 1, 0]
[exit 0]"###,
    );
}

#[test]
fn cpython311_c04() {
    check311(
        r###"def f(a, b=2, *args, c=3, **kw):
    return (a, b, args, c, kw)
print(f(1), f(1, 5, 6, 7, c=8, z=9), f(*[1, 2, 3], **{"c": 4}))
def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
print([fib(i) for i in range(15)])
def counter():
    count = 0
    def inc():
        nonlocal count
        count += 1
        return count
    return inc
c = counter(); c(); c(); print(c())
total = 0
def add(n):
    global total
    total += n
add(5); add(6); print(total)
sq = lambda x: x * x
print(sq(7), list(map(lambda x: x + 1, [1, 2])), sorted(["bb", "a", "ccc"], key=len))
def gen():
    yield 1
    yield 2
    return 3
g = gen(); print(next(g), next(g), list(gen()), sum(x * x for x in range(4)))
def deco(fn):
    def wrapper(*a, **k):
        print("calling", fn.__name__)
        return fn(*a, **k)
    return wrapper
@deco
def hello(n): return "hi " + n
print(hello("bob"))
matrix = [[1, 2], [3, 4]]
print([[r[i] for r in matrix] for i in range(2)], {x: x * x for x in range(3)}, {x % 3 for x in range(10)})
a, (b, c), *d = 1, (2, 3), 4, 5
print(a, b, c, d)
x = [1, 2, 3]; y = x; y.append(4); print(x, x is y, x == [1, 2, 3, 4], None is None)
i = 0
while True:
    i += 1
    if i == 2: continue
    if i > 4: break
    print("i", i)
else:
    print("never")
for n in range(3):
    pass
else:
    print("for-else", n)
print(1 < 2 < 3, 1 < 3 < 2, 2 if False else 3, "a" and "b", "" or "c", not 0)
if (n := 10) > 5: print("walrus", n)
"###,
        r###"(1, 2, (), 3, {}) (1, 5, (6, 7), 8, {'z': 9}) (1, 2, (3,), 4, {})
[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377]
3
11
49 [2, 3] ['a', 'bb', 'ccc']
1 2 [1, 2] 14
calling hello
hi bob
[[1, 3], [2, 4]] {0: 0, 1: 1, 2: 4} {0, 1, 2}
1 2 3 [4, 5]
[1, 2, 3, 4] True True True
i 1
i 3
i 4
for-else 2
True False 3 b c True
walrus 10
[exit 0]"###,
    );
}

#[test]
fn cpython311_c05() {
    check311(
        r###"try:
    int("abc")
except ValueError as e:
    print("ValueError:", e)
try:
    {}["missing"]
except KeyError as e:
    print("KeyError:", e, repr(e))
try:
    [].pop()
except (IndexError, TypeError) as e:
    print(type(e).__name__, e)
try:
    raise ValueError("custom")
except Exception as e:
    print("caught", e.args)
finally:
    print("finally")
def f():
    try:
        return "try"
    finally:
        print("cleanup")
print(f())
class MyError(Exception):
    def __init__(self, code):
        super().__init__(f"code {code}")
        self.code = code
try:
    raise MyError(42)
except MyError as e:
    print(e, e.code, repr(e))
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise
except ZeroDivisionError as e:
    print("re-raised", e)
for i in range(3):
    try:
        if i == 1: continue
        print("loop", i)
    finally:
        print("fin", i)
with open("data.txt", "w") as fh:
    fh.write("line one\nline two\n")
with open("data.txt") as fh:
    for line in fh:
        print(line.rstrip())
print(open("data.txt").readlines())
try:
    open("nope.txt")
except FileNotFoundError as e:
    print(e, e.errno, e.filename)
try:
    undefined_thing
except NameError as e:
    print(e)
assert 1 == 1
try:
    assert 1 == 2, "math broke"
except AssertionError as e:
    print("assert:", e)
import json
print(json.dumps({"b": 1, "a": [True, None, 1.5]}, sort_keys=True, indent=2))
print(json.loads('{"x": [1, 2, {"y": null}]}'))
try:
    json.loads("{bad")
except json.JSONDecodeError as e:
    print("json:", e)
"###,
        r###"ValueError: invalid literal for int() with base 10: 'abc'
KeyError: 'missing' KeyError('missing')
IndexError pop from empty list
caught ('custom',)
finally
cleanup
try
code 42 42 MyError('code 42')
re-raised division by zero
loop 0
fin 0
fin 1
loop 2
fin 2
line one
line two
['line one\n', 'line two\n']
[Errno 2] No such file or directory: 'nope.txt' 2 nope.txt
name 'undefined_thing' is not defined
assert: math broke
{
  "a": [
    true,
    null,
    1.5
  ],
  "b": 1
}
{'x': [1, 2, {'y': None}]}
json: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)
[exit 0]"###,
    );
}

#[test]
fn cpython311_c06() {
    check311(
        r###"def outer():
    def inner():
        raise KeyError("k")
    inner()
try:
    outer()
except KeyError:
    raise RuntimeError("wrapped")
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 6, in <module>
    outer()
  File "/app/main.py", line 4, in outer
    inner()
  File "/app/main.py", line 3, in inner
    raise KeyError("k")
KeyError: 'k'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/main.py", line 8, in <module>
    raise RuntimeError("wrapped")
RuntimeError: wrapped
[exit 1]"###,
    );
}

#[test]
fn cpython311_c07() {
    check311(
        r###"class A:
    def method(self):
        return self.missing_attr
A().method()
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 4, in <module>
    A().method()
  File "/app/main.py", line 3, in method
    return self.missing_attr
           ^^^^^^^^^^^^^^^^^
AttributeError: 'A' object has no attribute 'missing_attr'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c08() {
    check311(
        r###"def add(a, b):
    return a + b
result = add(1, "2")
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    result = add(1, "2")
             ^^^^^^^^^^^
  File "/app/main.py", line 2, in add
    return a + b
           ~~^~~
TypeError: unsupported operand type(s) for +: 'int' and 'str'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c09() {
    check311(
        r###"import sys
print("out")
print("err", file=sys.stderr)
sys.exit(3)
"###,
        r###"err
out
[exit 3]"###,
    );
}

#[test]
fn cpython311_c10() {
    check311(
        r###"data = {"users": [{"name": "a"}]}
print(data["users"][0]["email"])
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    print(data["users"][0]["email"])
          ~~~~~~~~~~~~~~~~^^^^^^^^^
KeyError: 'email'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c11() {
    check311(
        r###"def recurse(n):
    return recurse(n + 1)
recurse(0)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    recurse(0)
  File "/app/main.py", line 2, in recurse
    return recurse(n + 1)
           ^^^^^^^^^^^^^^
  File "/app/main.py", line 2, in recurse
    return recurse(n + 1)
           ^^^^^^^^^^^^^^
  File "/app/main.py", line 2, in recurse
    return recurse(n + 1)
           ^^^^^^^^^^^^^^
  [Previous line repeated 996 more times]
RecursionError: maximum recursion depth exceeded
[exit 1]"###,
    );
}

#[test]
fn cpython311_c12() {
    check311(
        r###"x = 10
def f():
    print(x)
    x = 5
f()
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 5, in <module>
    f()
  File "/app/main.py", line 3, in f
    print(x)
          ^
UnboundLocalError: cannot access local variable 'x' where it is not associated with a value
[exit 1]"###,
    );
}

#[test]
fn cpython311_c13() {
    check311(
        r###"import math, random, os, time
print(math.sqrt(2), math.floor(2.7), math.ceil(2.1), math.pi, math.factorial(10), math.gcd(12, 18), math.log(100, 10), math.isclose(0.1 + 0.2, 0.3))
random.seed(42)
print(random.random(), random.randint(1, 100), random.choice("abcdef"), random.uniform(1, 2))
l = list(range(10)); random.shuffle(l); print(l, random.sample(range(100), 3))
print(os.path.join("a", "b", "c.txt"), os.path.basename("/x/y.py"), os.path.dirname("/x/y.py"), os.path.splitext("f.tar.gz"))
print(os.getenv("NOPE", "default"), "PATH" in os.environ or True)
print(type(time.time()).__name__)
print(math.inf > 10**300, math.trunc(-2.5), math.copysign(1, -0.0), math.hypot(3, 4), math.comb(5, 2))
"###,
        r###"1.4142135623730951 2 3 3.141592653589793 3628800 6 2.0 True
0.6394267984578837 4 f 1.2750293183691193
[9, 7, 8, 0, 4, 6, 5, 1, 2, 3] [4, 3, 11]
a/b/c.txt y.py /x ('f.tar', '.gz')
default True
float
True -2 -1.0 5.0 10
[exit 0]"###,
    );
}

#[test]
fn cpython311_c14() {
    check311(
        r###"print(int("3.5"))
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 1, in <module>
    print(int("3.5"))
          ^^^^^^^^^^
ValueError: invalid literal for int() with base 10: '3.5'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c15() {
    check311(
        r###"items = ["a", "b"]
for i in range(3):
    print(items[i])
"###,
        r###"a
b
Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    print(items[i])
          ~~~~~^^^
IndexError: list index out of range
[exit 1]"###,
    );
}

#[test]
fn cpython311_c16() {
    check311(
        r###"print("a" + 1)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 1, in <module>
    print("a" + 1)
          ~~~~^~~
TypeError: can only concatenate str (not "int") to str
[exit 1]"###,
    );
}

#[test]
fn cpython311_c17() {
    check311(
        r###"def greet(name):
    print("hi", name)
greet()
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    greet()
TypeError: greet() missing 1 required positional argument: 'name'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c18() {
    check311(
        r###"class P:
    def __init__(self, x):
        self.x = x
p = P(1, 2)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 4, in <module>
    p = P(1, 2)
        ^^^^^^^
TypeError: P.__init__() takes 2 positional arguments but 3 were given
[exit 1]"###,
    );
}

#[test]
fn cpython311_c19() {
    check311(
        r###"lst = [1, 2]
lst.push(3)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    lst.push(3)
    ^^^^^^^^
AttributeError: 'list' object has no attribute 'push'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c20() {
    check311(
        r###"import collections, functools, itertools, string, dataclasses, datetime, copy, statistics
c = collections.Counter("abracadabra")
print(c.most_common(2), c["z"], c)
dd = collections.defaultdict(list); dd["x"].append(1); print(dd["x"], dict(dd))
Point = collections.namedtuple("Point", "x y")
p = Point(1, 2); print(p, p.x, p[1], p._asdict())
dq = collections.deque([1, 2, 3], maxlen=3); dq.append(4); dq.appendleft(0); print(dq, dq.popleft())
print(functools.reduce(lambda a, b: a * b, [1, 2, 3, 4]), functools.partial(pow, 2)(10))
print(list(itertools.islice(itertools.count(5), 3)), list(itertools.chain([1], [2, 3])), list(itertools.permutations("ab")), list(itertools.product([1, 2], repeat=2)))
print(list(itertools.combinations(range(4), 2)), [(k, list(g)) for k, g in itertools.groupby("aabbbc")])
print(string.ascii_lowercase[:5], string.digits)
@dataclasses.dataclass
class Item:
    name: str
    price: float = 0.0
    tags: list = dataclasses.field(default_factory=list)
it = Item("pen", 1.5); print(it, it == Item("pen", 1.5), dataclasses.asdict(it))
td = datetime.timedelta(days=1, hours=2, minutes=3)
print(td, td.total_seconds(), datetime.date(2024, 2, 28) + datetime.timedelta(days=1), datetime.datetime(2020, 1, 2, 3, 4, 5).isoformat())
print(datetime.datetime(2024, 1, 1, 12, 0).strftime("%Y-%m-%d %H:%M %A %B %j"), repr(datetime.date(2024, 5, 6)))
a = [[1, 2], [3]]; b = copy.deepcopy(a); b[0].append(9); print(a, b, copy.copy(a) == a)
print(statistics.mean([1, 2, 3, 4]), statistics.median([3, 1, 2]), statistics.mode([1, 1, 2]))
@functools.lru_cache(maxsize=None)
def fact(n): return 1 if n == 0 else n * fact(n - 1)
print(fact(20))
"###,
        r###"[('a', 5), ('b', 2)] 0 Counter({'a': 5, 'b': 2, 'r': 2, 'c': 1, 'd': 1})
[1] {'x': [1]}
Point(x=1, y=2) 1 2 {'x': 1, 'y': 2}
deque([2, 3], maxlen=3) 0
24 1024
[5, 6, 7] [1, 2, 3] [('a', 'b'), ('b', 'a')] [(1, 1), (1, 2), (2, 1), (2, 2)]
[(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] [('a', ['a', 'a']), ('b', ['b', 'b', 'b']), ('c', ['c'])]
abcde 0123456789
Item(name='pen', price=1.5, tags=[]) True {'name': 'pen', 'price': 1.5, 'tags': []}
1 day, 2:03:00 93780.0 2024-02-29 2020-01-02T03:04:05
2024-01-01 12:00 Monday January 001 datetime.date(2024, 5, 6)
[[1, 2], [3]] [[1, 2, 9], [3]] True
2.5 2 1
2432902008176640000
[exit 0]"###,
    );
}

#[test]
fn cpython311_c21() {
    check311(
        r###"print("unterminated
"###,
        r###"  File "/app/main.py", line 1
    print("unterminated
          ^
SyntaxError: unterminated string literal (detected at line 1)
[exit 1]"###,
    );
}

#[test]
fn cpython311_c22() {
    check311(
        r###"def f():
return 1
"###,
        r###"  File "/app/main.py", line 2
    return 1
    ^
IndentationError: expected an indented block after function definition on line 1
[exit 1]"###,
    );
}

#[test]
fn cpython311_c23() {
    check311(
        r###"x = [1, 2
print(x)
"###,
        r###"  File "/app/main.py", line 1
    x = [1, 2
        ^
SyntaxError: '[' was never closed
[exit 1]"###,
    );
}

#[test]
fn cpython311_c24() {
    check311(
        r###"print "hello"
"###,
        r###"  File "/app/main.py", line 1
    print "hello"
    ^^^^^^^^^^^^^
SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?
[exit 1]"###,
    );
}

#[test]
fn cpython311_c25() {
    check311(
        r###"import nosuchmodule
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 1, in <module>
    import nosuchmodule
ModuleNotFoundError: No module named 'nosuchmodule'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c27() {
    check311(
        r###"x = 5
if x = 5:
    pass
"###,
        r###"  File "/app/main.py", line 2
    if x = 5:
       ^^^^^
SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?
[exit 1]"###,
    );
}

#[test]
fn cpython311_c29() {
    check311(
        r###"for x in [1, 2]
    print(x)
"###,
        r###"  File "/app/main.py", line 1
    for x in [1, 2]
                   ^
SyntaxError: expected ':'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c31() {
    check311(
        r###"class Node:
    def __init__(self, val, next=None):
        self.val = val
        self.next = next
def build(xs):
    head = None
    for x in reversed(xs):
        head = Node(x, head)
    return head
h = build([1, 2, 3])
out = []
while h:
    out.append(h.val)
    h = h.next
print(out)
grades = {"alice": [90, 85], "bob": [70, 95, 80]}
for name, gs in sorted(grades.items()):
    avg = sum(gs) / len(gs)
    print(f"{name:<6} {avg:6.2f} {'pass' if avg >= 80 else 'fail'}")
words = "the quick brown fox jumps over the lazy dog the end".split()
freq = {}
for w in words:
    freq[w] = freq.get(w, 0) + 1
print(sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
print(max(words, key=len), min(words), sorted(set(words))[:4])
import json
print(json.dumps(freq))
print(json.dumps([1, "two", {"three": 3.0}], indent=4))
def primes(n):
    sieve = [True] * (n + 1)
    sieve[0:2] = [False, False]
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            for j in range(i * i, n + 1, i):
                sieve[j] = False
    return [i for i, p in enumerate(sieve) if p]
print(primes(50))
matrix = [[i * j for j in range(1, 4)] for i in range(1, 4)]
for row in matrix:
    print(" ".join(f"{v:3}" for v in row))
s = "Hello"
print(s * 3, s[-1], s[1:-1], s.lower().count("l"), list(s), "".join(sorted(s)))
print(bin(10)[2:], int("1010", 2), f"{10:08b}", 0.1 + 0.2 == 0.3, round(0.1 + 0.2, 10) == 0.3)
"###,
        r###"[1, 2, 3]
alice   87.50 pass
bob     81.67 pass
[('the', 3), ('brown', 1), ('dog', 1)]
quick brown ['brown', 'dog', 'end', 'fox']
{"the": 3, "quick": 1, "brown": 1, "fox": 1, "jumps": 1, "over": 1, "lazy": 1, "dog": 1, "end": 1}
[
    1,
    "two",
    {
        "three": 3.0
    }
]
[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
  1   2   3
  2   4   6
  3   6   9
HelloHelloHello o ell 2 ['H', 'e', 'l', 'l', 'o'] Hello
1010 10 00001010 False True
[exit 0]"###,
    );
}

#[test]
fn cpython311_c32() {
    check311(
        r###"def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError:
        print("cannot divide by zero")
        return None
    else:
        print("ok")
        return result
    finally:
        print("done")
print(divide(4, 2), divide(1, 0))
class InsufficientFunds(Exception):
    pass
class Account:
    def __init__(self, balance=0):
        self._balance = balance
    @property
    def balance(self):
        return self._balance
    def withdraw(self, amt):
        if amt > self._balance:
            raise InsufficientFunds(f"need {amt - self._balance} more")
        self._balance -= amt
a = Account(100)
a.withdraw(30)
print(a.balance)
try:
    a.withdraw(500)
except InsufficientFunds as e:
    print("error:", e)
try:
    a.balance = 5
except AttributeError as e:
    print("attr:", e)
nums = ["1", "2", "x", "4"]
total = 0
for n in nums:
    try:
        total += int(n)
    except ValueError as e:
        print("skip", e)
print(total)
try:
    raise TypeError("a", "b")
except TypeError as e:
    print(e, e.args)
e = None
try:
    [1, 2, 3].index(9)
except ValueError as err:
    e = err
print(type(e).__name__, e)
"###,
        r###"ok
done
cannot divide by zero
done
2.0 None
70
error: need 430 more
attr: property 'balance' of 'Account' object has no setter
skip invalid literal for int() with base 10: 'x'
7
('a', 'b') ('a', 'b')
ValueError 9 is not in list
[exit 0]"###,
    );
}

#[test]
fn cpython311_c33() {
    check311(
        r###"import sys
def process(items):
    return [item["name"].upper() for item in items]
data = [{"name": "a"}, {"nam": "b"}]
print(process(data))
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 5, in <module>
    print(process(data))
          ^^^^^^^^^^^^^
  File "/app/main.py", line 3, in process
    return [item["name"].upper() for item in items]
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/main.py", line 3, in <listcomp>
    return [item["name"].upper() for item in items]
            ~~~~^^^^^^^^
KeyError: 'name'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c34() {
    check311(
        r###"x = {"a": 1}
y = x["a"] + x["b"]
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    y = x["a"] + x["b"]
                 ~^^^^^
KeyError: 'b'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c35() {
    check311(
        r###"def outer(n):
    if n == 0:
        raise ValueError(f"bad value: {n}")
    return outer(n - 1)
outer(3)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 5, in <module>
    outer(3)
  File "/app/main.py", line 4, in outer
    return outer(n - 1)
           ^^^^^^^^^^^^
  File "/app/main.py", line 4, in outer
    return outer(n - 1)
           ^^^^^^^^^^^^
  File "/app/main.py", line 4, in outer
    return outer(n - 1)
           ^^^^^^^^^^^^
  File "/app/main.py", line 3, in outer
    raise ValueError(f"bad value: {n}")
ValueError: bad value: 0
[exit 1]"###,
    );
}

#[test]
fn cpython311_c36() {
    check311(
        r###"import math
print(math.sqrt(-1))
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    print(math.sqrt(-1))
          ^^^^^^^^^^^^^
ValueError: math domain error
[exit 1]"###,
    );
}

#[test]
fn cpython311_c37() {
    check311(
        r###"value = None
print(value.strip())
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    print(value.strip())
          ^^^^^^^^^^^
AttributeError: 'NoneType' object has no attribute 'strip'
[exit 1]"###,
    );
}

#[test]
fn cpython311_c38() {
    check311(
        r###"t = (1, 2)
t[0] = 5
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    t[0] = 5
    ~^^^
TypeError: 'tuple' object does not support item assignment
[exit 1]"###,
    );
}

#[test]
fn cpython311_c39() {
    check311(
        r###"class Shape:
    def area(self):
        raise NotImplementedError("subclass must implement")
class Sq(Shape):
    pass
print(Sq().area())
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 6, in <module>
    print(Sq().area())
          ^^^^^^^^^^^
  File "/app/main.py", line 3, in area
    raise NotImplementedError("subclass must implement")
NotImplementedError: subclass must implement
[exit 1]"###,
    );
}

#[test]
fn cpython311_c40() {
    check311(
        r###"def f(*, key):
    return key
f(1)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    f(1)
TypeError: f() takes 0 positional arguments but 1 was given
[exit 1]"###,
    );
}


#[test]
fn cpython311_d01() {
    check311(
        r###"inventory = {"apples": 3, "pears": 0}
def restock(item, qty=10):
    inventory[item] = inventory.get(item, 0) + qty
    return inventory[item]
for fruit in list(inventory):
    if inventory[fruit] == 0:
        print(f"restocking {fruit}: {restock(fruit)}")
print(sorted(inventory.items()))
print({k: v for k, v in inventory.items() if v > 5})
text = """Line one
line two
LINE three"""
for i, line in enumerate(text.splitlines(), start=1):
    print(f"{i:>2}: {line.lower().title()!s:<12}|")
print(text.count("line"), text.lower().count("line"), len(text.split()))
nums = [5, 3, 8, 1]
nums_sorted = sorted(nums)
print(nums, nums_sorted, nums.sort(), nums)
print(list(zip(*[(1, "a"), (2, "b")])))
print([i for i in range(20) if i % 3 == 0 and i % 2 == 0])
print("%-10s|%10s|" % ("left", "right"), "%05.1f" % 3.14159, "%+d" % 7, "%3d%%" % 50)
print(str(12.0), str(1e-10), 3.0 * 1.1, 0.1 * 3, 1 / 7, 22 / 7, 2 ** 0.5, 10 / 3 * 3)
print(int(3.99), int(-3.99), round(-2.5), round(1.2345, 2), round(1e20), float(7), 5 // 2.0, 5 % 2.5)
print(max("apple", "banana"), min([3, 1, 2], key=lambda x: -x), sum([0.1] * 10), abs(-0.0))
a = b = c = 0
a += 1; b -= 1; c = a if a > b else b
print(a, b, c, a == 1 and b == -1, not (a or b))
print(type(1), type(1.0), type("x"), type([]), type({}), type(None), type(len), type(lambda: 0))
print(isinstance(True, int), isinstance(3, (str, float)), bool(0.0), bool(" "), 3 == 3.0, "3" == 3)
print(list(map(int, "1 2 3".split())), "".join(reversed("stressed")), "race car"[::-1])
x = [1, [2, 3], (4, 5)]
print(x[1][0], x[-1][-1], x[1:], len(x), x * 2, [1, 2] + [3])
del x[0]
print(x)
print(divmod(-7, 2), pow(2, 10), pow(2, 10, 1000), 7 ** 2 ** 2 // 100)
"###,
        r###"restocking pears: 10
[('apples', 3), ('pears', 10)]
{'pears': 10}
 1: Line One    |
 2: Line Two    |
 3: Line Three  |
1 3 6
[1, 3, 5, 8] [1, 3, 5, 8] None [1, 3, 5, 8]
[(1, 2), ('a', 'b')]
[0, 6, 12, 18]
left      |     right| 003.1 +7  50%
12.0 1e-10 3.3000000000000003 0.30000000000000004 0.14285714285714285 3.142857142857143 1.4142135623730951 10.0
3 -3 -2 1.23 100000000000000000000 7.0 2.0 0.0
banana 3 0.9999999999999999 0.0
1 -1 1 True False
<class 'int'> <class 'float'> <class 'str'> <class 'list'> <class 'dict'> <class 'NoneType'> <class 'builtin_function_or_method'> <class 'function'>
True False False True True False
[1, 2, 3] desserts rac ecar
2 5 [[2, 3], (4, 5)] 3 [1, [2, 3], (4, 5), 1, [2, 3], (4, 5)] [1, 2, 3]
[[2, 3], (4, 5)]
(-4, 1) 1024 24 24
[exit 0]"###,
    );
}

#[test]
fn cpython311_d02() {
    check311(
        r###"class Temperature:
    def __init__(self, celsius):
        self._c = celsius
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
    @fahrenheit.setter
    def fahrenheit(self, f):
        self._c = (f - 32) * 5 / 9
    def __repr__(self):
        return f"Temperature({self._c:.1f})"
    def __eq__(self, other):
        return isinstance(other, Temperature) and self._c == other._c
    def __lt__(self, other):
        return self._c < other._c
t = Temperature(100)
print(t.fahrenheit, t)
t.fahrenheit = 32
print(t, t == Temperature(0), t != Temperature(1), sorted([Temperature(5), t]))
class Base:
    def __init__(self):
        self.items = []
    def add(self, x):
        self.items.append(x)
        return self
class Child(Base):
    def add(self, x):
        return super().add(x * 2)
c = Child().add(1).add(2)
print(c.items, Child.__name__, Child.__bases__[0].__name__, isinstance(c, Base))
class Registry:
    _all = []
    def __init_subclass__(cls, **kw):
        Registry._all.append(cls.__name__)
print(Registry._all)
class Money:
    def __init__(self, amt): self.amt = amt
    def __add__(self, o): return Money(self.amt + (o.amt if isinstance(o, Money) else o))
    __radd__ = __add__
    def __str__(self): return f"${self.amt:.2f}"
print(sum([Money(1.5), Money(2)], Money(0)), Money(1) + 2, 3 + Money(1))
class Grid:
    def __init__(self): self.cells = {}
    def __setitem__(self, k, v): self.cells[k] = v
    def __getitem__(self, k): return self.cells.get(k, ".")
g = Grid(); g[0, 1] = "#"
print(g[0, 1], g[1, 1], len(g.cells))
print(vars(Money(3)), Money(3).__dict__, hasattr(Money, "__add__"))
"###,
        r###"212.0 Temperature(100.0)
Temperature(0.0) True True [Temperature(0.0), Temperature(5.0)]
[2, 4] Child Base True
[]
$3.50 $3.00 $4.00
# . 1
{'amt': 3} {'amt': 3} True
[exit 0]"###,
    );
}

#[test]
fn cpython311_d03() {
    check311(
        r###"def safe_div(a, b):
    try:
        return a / b
    except ZeroDivisionError as e:
        print("error:", e, type(e).__name__)
        raise ValueError("bad input") from e
try:
    safe_div(1, 0)
except ValueError as e:
    print("outer:", e, "| cause:", repr(e.__cause__))
import json
config = '{"debug": true, "port": 8080, "hosts": ["a", "b"], "ratio": 0.5}'
c = json.loads(config)
print(c["port"] + 1, c["debug"] is True, c["hosts"][-1], type(c["ratio"]).__name__)
print(json.dumps(c, indent=2, sort_keys=True))
print(json.dumps({"unicode": "café", "nested": {"x": None}}), json.dumps("é", ensure_ascii=False))
print(json.dumps([1, 2], separators=(",", ":")), json.dumps({"a": 1}, indent="\t"))
"###,
        r###"error: division by zero ZeroDivisionError
outer: bad input | cause: ZeroDivisionError('division by zero')
8081 True b float
{
  "debug": true,
  "hosts": [
    "a",
    "b"
  ],
  "port": 8080,
  "ratio": 0.5
}
{"unicode": "caf\u00e9", "nested": {"x": null}} "é"
[1,2] {
	"a": 1
}
[exit 0]"###,
    );
}

#[test]
fn cpython311_d04() {
    check311(
        r###"def f():
    try:
        raise KeyError("missing")
    except KeyError as e:
        raise RuntimeError("lookup failed") from e
f()
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 3, in f
    raise KeyError("missing")
KeyError: 'missing'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/main.py", line 6, in <module>
    f()
  File "/app/main.py", line 5, in f
    raise RuntimeError("lookup failed") from e
RuntimeError: lookup failed
[exit 1]"###,
    );
}

#[test]
fn cpython311_d06() {
    check311(
        r###"x = int(input())
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 1, in <module>
    x = int(input())
            ^^^^^^^
EOFError: EOF when reading a line
[exit 1]"###,
    );
}

#[test]
fn cpython311_d07() {
    check311(
        r###"class Car:
    def __init__(self, make):
        self.make = make
c = Car("vw")
print(c.model)
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 5, in <module>
    print(c.model)
          ^^^^^^^
AttributeError: 'Car' object has no attribute 'model'
[exit 1]"###,
    );
}

#[test]
fn cpython311_d08() {
    check311(
        r###"numbers = [1, 2, 3]
result = numbers + 4
"###,
        r###"Traceback (most recent call last):
  File "/app/main.py", line 2, in <module>
    result = numbers + 4
             ~~~~~~~~^~~
TypeError: can only concatenate list (not "int") to list
[exit 1]"###,
    );
}


// ---------------------------------------------------------------- 3.13 tracebacks

#[test]
fn traceback_313_carets_for_calls_and_operators() {
    check(
        "def f(x):\n    return x / 0\n\ndef g():\n    return f(3) + 1\n\ng()\n",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 7, in <module>\n    g()\n    ~^^\n  File \"/app/main.py\", line 5, in g\n    return f(3) + 1\n           ~^^^\n  File \"/app/main.py\", line 2, in f\n    return x / 0\n           ~~^~~\nZeroDivisionError: division by zero\n[exit 1]",
    );
}

#[test]
fn traceback_313_hides_carets_for_whole_call_assignments() {
    check(
        "def f():\n    raise ValueError('bad')\nx = f()\n",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    x = f()\n  File \"/app/main.py\", line 2, in f\n    raise ValueError('bad')\nValueError: bad\n[exit 1]",
    );
}

#[test]
fn traceback_312_suggests_imports() {
    check_with(
        &[("main.py", "print(sys.argv)\n")],
        &["PYTHON_VERSION=3.12.11"],
        "python3 main.py",
        "",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 1, in <module>\n    print(sys.argv)\n          ^^^\nNameError: name 'sys' is not defined. Did you forget to import 'sys'?\n[exit 1]",
    );
}

#[test]
fn name_error_did_you_mean() {
    check(
        "counter = 1\nprint(countr)\n",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 2, in <module>\n    print(countr)\n          ^^^^^^\nNameError: name 'countr' is not defined. Did you mean: 'counter'?\n[exit 1]",
    );
}

#[test]
fn attribute_error_did_you_mean() {
    check(
        "x = [1]\nx.apend(2)\n",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 2, in <module>\n    x.apend(2)\n    ^^^^^^^\nAttributeError: 'list' object has no attribute 'apend'. Did you mean: 'append'?\n[exit 1]",
    );
}

#[test]
fn traceback_39_has_no_carets() {
    check_with(
        &[("main.py", "x = {}\nprint(x['k'])\n")],
        &["PYTHON_VERSION=3.9.23"],
        "python3 main.py",
        "",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 2, in <module>\n    print(x['k'])\nKeyError: 'k'\n[exit 1]",
    );
}

#[test]
fn traceback_colours_on_a_tty_in_313() {
    let mut s = Sim::new(&[("main.py", "1/0\n")], &["TERM=xterm"]);
    s.tty = true;
    s.start("python3 main.py");
    s.run();
    assert_eq!(
        s.stream(StdStream::Stderr),
        "Traceback (most recent call last):\n  File \x1b[35m\"/app/main.py\"\x1b[0m, line \x1b[35m1\x1b[0m, in \x1b[35m<module>\x1b[0m\n    \x1b[31m1\x1b[0m\x1b[1;31m/\x1b[0m\x1b[31m0\x1b[0m\n    \x1b[31m~\x1b[0m\x1b[1;31m^\x1b[0m\x1b[31m~\x1b[0m\n\x1b[1;35mZeroDivisionError\x1b[0m: \x1b[35mdivision by zero\x1b[0m\n"
    );
    // NO_COLOR turns it off.
    let mut s = Sim::new(&[("main.py", "1/0\n")], &["NO_COLOR=1"]);
    s.tty = true;
    s.start("python3 main.py");
    s.run();
    assert!(!s.text().contains('\x1b'));
}

#[test]
fn syntax_errors() {
    check("if True\n    print(1)\n", "  File \"/app/main.py\", line 1\n    if True\n           ^\nSyntaxError: expected ':'\n[exit 1]");
    check("print 'hi'\n", "  File \"/app/main.py\", line 1\n    print 'hi'\n    ^^^^^^^^^^\nSyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?\n[exit 1]");
    check("def f():\nreturn 1\n", "  File \"/app/main.py\", line 2\n    return 1\n    ^\nIndentationError: expected an indented block after function definition on line 1\n[exit 1]");
    check("x = (1,\n", "  File \"/app/main.py\", line 1\n    x = (1,\n        ^\nSyntaxError: '(' was never closed\n[exit 1]");
    check("  x = 1\n", "  File \"/app/main.py\", line 1\n    x = 1\nIndentationError: unexpected indent\n[exit 1]");
    check("x = [1 2]\n", "  File \"/app/main.py\", line 1\n    x = [1 2]\n         ^^^\nSyntaxError: invalid syntax. Perhaps you forgot a comma?\n[exit 1]");
    check("return 5\n", "  File \"/app/main.py\", line 1\n    return 5\n    ^^^^^^^^\nSyntaxError: 'return' outside function\n[exit 1]");
}

#[test]
fn syntax_warning_for_invalid_escapes_in_312() {
    check(
        "print(len('\\d'))\n",
        "/app/main.py:1: SyntaxWarning: invalid escape sequence '\\d'\n  print(len('\\d'))\n2\n[exit 0]",
    );
}

#[test]
fn recursion_error() {
    let mut s = Sim::new(&[("main.py", "def f(n):\n    return f(n + 1)\nf(0)\n")], &["PYTHON_VERSION=3.11.7"]);
    s.start("python3 main.py");
    s.run();
    let t = s.text();
    assert!(t.contains("  [Previous line repeated 996 more times]\nRecursionError: maximum recursion depth exceeded\n"), "{t}");
    assert_eq!(s.exit, Some(1));
}

// ---------------------------------------------------------------- command line

#[test]
fn command_line_forms() {
    check_with(&[], &[], "python3 --version", "", "Python 3.13.5\n[exit 0]");
    check_with(&[], &["PYTHON_VERSION=3.9.23"], "python -V", "", "Python 3.9.23\n[exit 0]");
    check_with(&[], &[], "python3 -c print(6*7)", "", "42\n[exit 0]");
    let mut s = Sim::new(&[], &[]);
    s.start_argv(&["python3", "-c", "import sys; print(sys.argv)", "a", "b"]);
    s.run();
    assert_eq!(s.text(), "['-c', 'a', 'b']\n");
    check_with(&[], &[], "python3 missing.py", "", "python3: can't open file '/app/missing.py': [Errno 2] No such file or directory\n[exit 2]");
    check_with(&[], &[], "python3 -z", "", "Unknown option: -z\nusage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.\n[exit 2]");
    check_with(&[], &[], "python3 -c", "", "Argument expected for the -c option\nusage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.\n[exit 2]");
    check_with(&[], &[], "python3 -m nosuch", "", "python3: No module named nosuch\n[exit 1]");
    check_with(&[("tool.py", "import sys\nprint(sys.argv)\n")], &[], "python3 -m tool x", "", "['/app/tool.py', 'x']\n[exit 0]");
    check_with(&[("a.py", "import sys\nprint(sys.argv, __name__)\n")], &[], "python3 a.py 1 2", "", "['a.py', '1', '2'] __main__\n[exit 0]");
}

#[test]
fn stdin_program_and_closed_stdin() {
    check_with(&[], &[], "python3", "print('from stdin')\n", "from stdin\n[exit 0]");
    check_with(&[], &[], "python3", "", "[exit 0]");
    check_with(&[], &[], "python3 -", "import sys\nprint(sys.argv)\n", "['-']\n[exit 0]");
}

#[test]
fn input_reads_lines_and_eof() {
    check_with(
        &[("main.py", "name = input('Name: ')\nprint('Hello,', name)\nage = input()\n")],
        &[],
        "python3 main.py",
        "Ada\n",
        "Name: Hello, Ada\nTraceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    age = input()\nEOFError: EOF when reading a line\n[exit 1]",
    );
}

#[test]
fn input_waits_for_the_terminal() {
    let mut s = Sim::new(&[("main.py", "x = input('> ')\nprint(x.upper())\n")], &[]);
    s.tty = true;
    s.start("python3 main.py");
    assert!(s.run());
    assert_eq!(s.take(), "> ");
    s.input("hi\n");
    assert!(!s.run());
    // The container's terminal echoes the typed line (`docker run -it`).
    assert_eq!(s.take(), "hi\nHI\n");
}

#[test]
fn sys_exit_codes() {
    check("import sys\nprint('x')\nsys.exit(3)\n", "x\n[exit 3]");
    check("import sys\nsys.exit('fatal: bad config')\n", "fatal: bad config\n[exit 1]");
    check("raise SystemExit\n", "[exit 0]");
    check("exit(4)\n", "[exit 4]");
}

// ---------------------------------------------------------------- buffering and time

#[test]
fn stdout_is_block_buffered_without_a_tty() {
    let src = "import time, sys\nprint('starting')\nprint('to stderr', file=sys.stderr)\ntime.sleep(5)\nprint('done')\n";
    let mut s = Sim::new(&[("main.py", src)], &[]);
    s.start("python3 main.py");
    // Run only the first step: it stops at the sleep.
    let mut p = s.prog.take().unwrap();
    let st = p.step(&mut ctx!(s));
    s.prog = Some(p);
    assert_eq!(st, Status::Waiting(dockling::proc::program::Wait { until: Some(SimTime(START.0 + 5000)), stdin: false }));
    assert_eq!(s.text(), "to stderr\n");
    s.run();
    assert_eq!(s.text(), "to stderr\nstarting\ndone\n");
    // PYTHONUNBUFFERED writes at once; so does a tty (line buffering) and flush=True.
    for (env, tty) in [(vec!["PYTHONUNBUFFERED=1"], false), (vec![], true)] {
        let mut s = Sim::new(&[("main.py", src)], &env);
        s.tty = tty;
        s.start("python3 main.py");
        let mut p = s.prog.take().unwrap();
        p.step(&mut ctx!(s));
        assert_eq!(s.text(), "starting\nto stderr\n");
    }
    let mut s = Sim::new(&[("main.py", "import time\nprint('a', flush=True)\ntime.sleep(1)\n")], &[]);
    s.start("python3 -u main.py");
    let mut p = s.prog.take().unwrap();
    p.step(&mut ctx!(s));
    assert_eq!(s.text(), "a\n");
}

#[test]
fn block_buffer_flushes_at_8192_bytes() {
    let mut s = Sim::new(&[("main.py", "import time\nfor i in range(1000):\n    print('x' * 9)\ntime.sleep(1)\n")], &[]);
    s.start("python3 main.py");
    let mut p = s.prog.take().unwrap();
    p.step(&mut ctx!(s));
    assert_eq!(s.text().len(), 8190);
}

#[test]
fn sleep_loop_takes_virtual_time() {
    let mut s = Sim::new(&[("main.py", "import time\nt0 = time.time()\nfor i in range(100):\n    time.sleep(1)\nprint(round(time.time() - t0))\n")], &[]);
    s.start("python3 main.py");
    s.run();
    assert_eq!(s.text(), "100\n");
    assert_eq!(s.now, SimTime(START.0 + 100_000));
}

#[test]
fn busy_loops_yield_to_the_caller() {
    let mut s = Sim::new(&[("main.py", "while True:\n    pass\n")], &[]);
    s.start("python3 main.py");
    let mut p = s.prog.take().unwrap();
    for _ in 0..3 {
        let st = p.step(&mut ctx!(s));
        assert_eq!(st, Status::Waiting(dockling::proc::program::Wait { until: Some(START), stdin: false }));
    }
}

#[test]
fn keyboard_interrupt_during_sleep() {
    let mut s = Sim::new(&[("main.py", "import time\nprint('working')\ntime.sleep(60)\n")], &["NO_COLOR=1"]);
    s.tty = true;
    s.start("python3 main.py");
    let mut p = s.prog.take().unwrap();
    p.step(&mut ctx!(s));
    s.prog = Some(p);
    assert!(s.signal(Signal::Int));
    s.run();
    assert_eq!(s.exit, Some(130));
    assert_eq!(s.text(), "working\nTraceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    time.sleep(60)\n    ~~~~~~~~~~^^^^\nKeyboardInterrupt\n");
    // SIGTERM has no Python handler: the default action applies.
    let mut s = Sim::new(&[("main.py", "import time\ntime.sleep(60)\n")], &[]);
    s.start("python3 main.py");
    let mut p = s.prog.take().unwrap();
    p.step(&mut ctx!(s));
    s.prog = Some(p);
    assert!(!s.signal(Signal::Term));
}

#[test]
fn signal_handlers_from_python() {
    let src = "import signal, sys, time\ndef bye(signum, frame):\n    print('got', signum)\n    sys.exit(0)\nsignal.signal(signal.SIGTERM, bye)\ntime.sleep(100)\n";
    let mut s = Sim::new(&[("main.py", src)], &["PYTHONUNBUFFERED=1"]);
    s.start("python3 main.py");
    let mut p = s.prog.take().unwrap();
    p.step(&mut ctx!(s));
    s.prog = Some(p);
    assert!(s.signal(Signal::Term));
    s.run();
    assert_eq!((s.text(), s.exit), ("got 15\n".to_string(), Some(0)));
}

// ---------------------------------------------------------------- REPL

#[test]
fn repl_313() {
    let mut s = Sim::new(&[], &["NO_COLOR=1"]);
    s.tty = true;
    s.start("python3");
    assert!(s.run());
    assert_eq!(s.take(), "Python 3.13.5 (main, Jun 11 2025, 15:36:57) [GCC 12.2.0] on linux\nType \"help\", \"copyright\", \"credits\" or \"license\" for more information.\n>>> ");
    s.input("1 + 1\n");
    s.run();
    assert_eq!(s.take(), "1 + 1\n2\n>>> ");
    s.input("for i in range(2):\n");
    s.run();
    assert_eq!(s.take(), "for i in range(2):\n... ");
    s.input("    print(i)\n\n");
    s.run();
    assert_eq!(s.take(), "    print(i)\n... \n0\n1\n>>> ");
    s.input("nope\n");
    s.run();
    assert_eq!(s.take(), "nope\nTraceback (most recent call last):\n  File \"<python-input-2>\", line 1, in <module>\n    nope\nNameError: name 'nope' is not defined\n>>> ");
    s.input("exit\n");
    assert!(!s.run());
    assert_eq!(s.exit, Some(0));
}

#[test]
fn repl_312_exit_and_eof() {
    let mut s = Sim::new(&[], &["PYTHON_VERSION=3.12.11"]);
    s.tty = true;
    s.start("python3");
    s.run();
    assert!(s.take().starts_with("Python 3.12.11 (main, Jun  4 2025, 04:13:31) [GCC 12.2.0] on linux\n"));
    s.input("exit\n'a' * 2\nx = 1/0\n");
    s.run();
    assert_eq!(s.take(), "exit\nUse exit() or Ctrl-D (i.e. EOF) to exit\n>>> 'a' * 2\n'aa'\n>>> x = 1/0\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nZeroDivisionError: division by zero\n>>> ");
    s.stdin.closed = true;
    assert!(!s.run());
    assert_eq!(s.take(), "\n");
}

// ---------------------------------------------------------------- modules and files

#[test]
fn user_modules_load_from_the_script_directory() {
    check_with(
        &[("main.py", "import utils\nfrom helpers import double\nprint(utils.greet('x'), double(4))\n"), ("utils.py", "def greet(n):\n    return 'hi ' + n\n"), ("helpers.py", "def double(x):\n    return x * 2\n")],
        &[],
        "python3 main.py",
        "",
        "hi x 8\n[exit 0]",
    );
    check("import numpy\n", "Traceback (most recent call last):\n  File \"/app/main.py\", line 1, in <module>\n    import numpy\nModuleNotFoundError: No module named 'numpy'\n[exit 1]");
    check("import re\n", "dockling: python: the module 're' is not simulated\n[exit 1]");
}

#[test]
fn files_are_written_to_the_container() {
    let mut s = Sim::new(&[("main.py", "with open('out.txt', 'w') as f:\n    f.write('hello\\n')\nprint(open('out.txt').read(), end='')\nimport os\nprint(os.listdir('.'))\n")], &[]);
    s.start("python3 main.py");
    s.run();
    assert_eq!(s.text(), "hello\n['main.py', 'out.txt']\n");
    assert_eq!(s.file("/app/out.txt").as_deref(), Some("hello\n"));
}

#[test]
fn environment_and_process() {
    check_with(&[("main.py", "import os\nprint(os.environ['GREETING'], os.getenv('NOPE'), os.getpid(), os.getcwd())\n")], &["GREETING=hey"], "python3 main.py", "", "hey None 1 /app\n[exit 0]");
}

#[test]
fn random_is_cpythons_mersenne_twister() {
    check(
        "import random\nrandom.seed(42)\nprint(random.random(), random.random())\nrandom.seed(42)\nprint(random.randint(1, 100))\nrandom.seed(1)\nl = list(range(10))\nrandom.shuffle(l)\nprint(l, random.choice('abc'), random.sample(range(100), 5))\nrandom.seed('hello')\nprint(random.random())\n",
        "0.6394267984578837 0.025010755222666936\n82\n[6, 8, 9, 7, 5, 3, 0, 4, 1, 2] a [12, 62, 3, 49, 55]\n0.3537754404730722\n[exit 0]",
    );
}

#[test]
fn time_and_datetime_read_the_virtual_clock() {
    check(
        "import time, datetime\nprint(time.time())\nprint(time.strftime('%Y-%m-%d %H:%M:%S'))\nprint(datetime.datetime.now())\nprint(datetime.date.today().isoformat())\n",
        "1751364000.0\n2025-07-01 10:00:00\n2025-07-01 10:00:00\n2025-07-01\n[exit 0]",
    );
}

#[test]
fn not_simulated_features_say_so() {
    check("import asyncio\n", "dockling: python: the module 'asyncio' is not simulated\n[exit 1]");
    check("x = 3j\n", "dockling: python: complex numbers are not simulated\n[exit 1]");
    check("match 1:\n    case 1:\n        pass\n", "dockling: python: match statements are not simulated\n[exit 1]");
}

// ---------------------------------------------------------------- pip

fn pip(s: &mut Sim, args: &str) -> String {
    s.start(args);
    assert!(!s.run(), "pip still running");
    s.take()
}

#[test]
fn pip_install_flask_313() {
    let mut s = Sim::new(&[], &[]);
    let out = pip(&mut s, "pip install flask");
    assert_eq!(out, "\
Collecting flask
  Downloading flask-3.1.1-py3-none-any.whl.metadata (3.0 kB)
Collecting blinker>=1.9.0 (from flask)
  Downloading blinker-1.9.0-py3-none-any.whl.metadata (1.6 kB)
Collecting click>=8.1.3 (from flask)
  Downloading click-8.2.1-py3-none-any.whl.metadata (2.5 kB)
Collecting itsdangerous>=2.2.0 (from flask)
  Downloading itsdangerous-2.2.0-py3-none-any.whl.metadata (1.9 kB)
Collecting jinja2>=3.1.2 (from flask)
  Downloading jinja2-3.1.6-py3-none-any.whl.metadata (2.9 kB)
Collecting markupsafe>=2.1.1 (from flask)
  Downloading MarkupSafe-3.0.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.metadata (4.0 kB)
Collecting werkzeug>=3.1.0 (from flask)
  Downloading werkzeug-3.1.3-py3-none-any.whl.metadata (3.7 kB)
Downloading flask-3.1.1-py3-none-any.whl (103 kB)
Downloading blinker-1.9.0-py3-none-any.whl (8.5 kB)
Downloading click-8.2.1-py3-none-any.whl (102 kB)
Downloading itsdangerous-2.2.0-py3-none-any.whl (16 kB)
Downloading jinja2-3.1.6-py3-none-any.whl (134 kB)
Downloading MarkupSafe-3.0.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (23 kB)
Downloading werkzeug-3.1.3-py3-none-any.whl (224 kB)
Installing collected packages: markupsafe, itsdangerous, click, blinker, werkzeug, jinja2, flask
Successfully installed blinker-1.9.0 click-8.2.1 flask-3.1.1 itsdangerous-2.2.0 jinja2-3.1.6 markupsafe-3.0.2 werkzeug-3.1.3
WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.
");
    assert!(s.now > START, "downloads take virtual time");
    assert_eq!(s.file("/usr/local/bin/flask").as_deref(), Some("#!dockling:flask\n"));
    assert!(s.file("/usr/local/lib/python3.13/site-packages/flask-3.1.1.dist-info/METADATA").unwrap().contains("Name: Flask\nVersion: 3.1.1\n"));
    // Again: everything is there.
    let again = pip(&mut s, "pip install flask");
    assert!(again.starts_with("Requirement already satisfied: flask in /usr/local/lib/python3.13/site-packages (3.1.1)\nRequirement already satisfied: blinker>=1.9.0 in /usr/local/lib/python3.13/site-packages (from flask) (1.9.0)\n"), "{again}");
    assert_eq!(pip(&mut s, "pip freeze"), "blinker==1.9.0\nclick==8.2.1\nFlask==3.1.1\nitsdangerous==2.2.0\nJinja2==3.1.6\nMarkupSafe==3.0.2\nWerkzeug==3.1.3\n");
    assert_eq!(pip(&mut s, "pip show flask"), "Name: Flask\nVersion: 3.1.1\nSummary: A simple framework for building complex web applications.\nHome-page: \nAuthor: \nAuthor-email: \nLicense: \nLocation: /usr/local/lib/python3.13/site-packages\nRequires: blinker, click, itsdangerous, jinja2, markupsafe, werkzeug\nRequired-by: \n");
    let list = pip(&mut s, "pip list");
    assert!(list.starts_with("Package      Version\n------------ -------\nblinker      1.9.0\n"), "{list}");
    let un = pip(&mut s, "pip uninstall -y flask");
    assert!(un.starts_with("Found existing installation: Flask 3.1.1\nUninstalling Flask-3.1.1:\n  Successfully uninstalled Flask-3.1.1\n"), "{un}");
    assert!(s.file("/usr/local/bin/flask").is_none());
}

#[test]
fn pip_errors_and_old_pips() {
    let mut s = Sim::new(&[], &[]);
    assert_eq!(pip(&mut s, "pip install nosuchpackage"), "ERROR: Could not find a version that satisfies the requirement nosuchpackage (from versions: none)\nERROR: No matching distribution found for nosuchpackage\n");
    assert_eq!(s.exit, Some(1));
    let e = pip(&mut s, "pip install flask==9.9");
    assert!(e.starts_with("ERROR: Could not find a version that satisfies the requirement flask==9.9 (from versions: 0.1, 0.2,"), "{e}");
    assert!(e.ends_with(", 3.1.0, 3.1.1)\nERROR: No matching distribution found for flask==9.9\n"), "{e}");
    assert_eq!(pip(&mut s, "pip install -r requirements.txt"), "ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'requirements.txt'\n");
    assert_eq!(pip(&mut s, "pip --version"), "pip 25.1.1 from /usr/local/lib/python3.13/site-packages/pip (python 3.13)\n");
    // python:3.12 bundles pip 25.0.1, which tells about 25.1.1.
    let mut s = Sim::new(&[("requirements.txt", "# web\nrequests==2.32.4\n")], &["PYTHON_VERSION=3.12.11"]);
    let out = pip(&mut s, "pip install --no-cache-dir -r requirements.txt");
    assert!(out.starts_with("Collecting requests==2.32.4 (from -r requirements.txt (line 2))\n  Downloading requests-2.32.4-py3-none-any.whl.metadata (4.9 kB)\nCollecting charset_normalizer<4,>=2 (from requests==2.32.4->-r requirements.txt (line 2))\n") || out.contains("Installing collected packages: urllib3, idna, charset-normalizer, certifi, requests\n"), "{out}");
    assert!(out.ends_with("\n[notice] A new release of pip is available: 25.0.1 -> 25.1.1\n[notice] To update, run: pip install --upgrade pip\n"), "{out}");
    // python:3.8.12 has pip 21.2.4: no metadata downloads, the short root warning.
    let mut s = Sim::new(&[], &["PYTHON_VERSION=3.8.12", "PYTHON_PIP_VERSION=21.2.4"]);
    let out = pip(&mut s, "pip install itsdangerous");
    assert_eq!(out, "Collecting itsdangerous\n  Downloading itsdangerous-2.2.0-py3-none-any.whl (16 kB)\nInstalling collected packages: itsdangerous\nSuccessfully installed itsdangerous-2.2.0\nWARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv\n\n[notice] A new release of pip is available: 21.2.4 -> 25.1.1\n[notice] To update, run: pip install --upgrade pip\n");
}

// ---------------------------------------------------------------- servers

const FLASK_APP: &str = "from flask import Flask, jsonify, request

app = Flask(__name__)

@app.route('/')
def index():
    return 'Hello from Docker!'

@app.route('/users/<int:uid>')
def user(uid):
    return jsonify(id=uid, name='user%d' % uid)

@app.route('/echo', methods=['POST'])
def echo():
    return {'got': request.json, 'q': request.args.get('q')}

@app.route('/boom')
def boom():
    return 1 / 0

if __name__ == '__main__':
    app.run(host='0.0.0.0', port=5000)
";

fn header<'a>(h: &'a [(String, String)], k: &str) -> Option<&'a str> {
    h.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str())
}

#[test]
fn flask_app_run() {
    let mut s = Sim::new(&[("app.py", FLASK_APP)], &[]);
    pip(&mut s, "pip install flask");
    s.now = START;
    s.start("python3 app.py");
    assert!(s.run(), "serving");
    assert_eq!(s.take(), " * Serving Flask app 'app'\n * Debug mode: off\n\x1b[31m\x1b[1mWARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead.\x1b[0m\n * Running on all addresses (0.0.0.0)\n * Running on http://127.0.0.1:5000\n * Running on http://172.17.0.2:5000\n\x1b[33mPress CTRL+C to quit\x1b[0m\n");
    let listen = s.prog.as_ref().unwrap().listening();
    assert_eq!((listen[0].host.as_str(), listen[0].port), ("0.0.0.0", 5000));
    let (st, reason, h, body) = s.get(5000, "/");
    assert_eq!((st, reason.as_str(), body.as_str()), (200, "OK", "Hello from Docker!"), "{}", s.text());
    assert_eq!(h.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["Server", "Date", "Content-Type", "Content-Length", "Connection"]);
    assert_eq!(header(&h, "Server"), Some("Werkzeug/3.1.3 Python/3.13.5"));
    assert_eq!(header(&h, "Date"), Some("Tue, 01 Jul 2025 10:00:00 GMT"));
    assert_eq!(header(&h, "Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(s.take(), "172.17.0.1 - - [01/Jul/2025 10:00:00] \"GET / HTTP/1.1\" 200 -\n");
    let (_, _, h, body) = s.get(5000, "/users/7");
    assert_eq!((header(&h, "Content-Type"), body.as_str()), (Some("application/json"), "{\"id\":7,\"name\":\"user7\"}\n"));
    let (st, reason, _, body) = s.get(5000, "/nope");
    assert_eq!((st, reason.as_str()), (404, "NOT FOUND"));
    assert_eq!(body, "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n");
    s.take();
    let (st, _, h, _) = s.get(5000, "/echo");
    assert_eq!((st, header(&h, "Allow")), (405, Some("OPTIONS, POST")));
    assert_eq!(s.take(), "172.17.0.1 - - [01/Jul/2025 10:00:00] \"\x1b[31m\x1b[1mGET /echo HTTP/1.1\x1b[0m\" 405 -\n");
    let (st, _, _, body) = s.request(5000, "POST", "/echo?q=1", &[("Content-Type", "application/json")], "{\"a\": [1, 2]}");
    assert_eq!((st, body.as_str()), (200, "{\"got\":{\"a\":[1,2]},\"q\":\"1\"}\n"));
    s.take();
    let (st, _, _, _) = s.get(5000, "/boom");
    assert_eq!(st, 500);
    let log = s.take();
    assert!(log.starts_with("[2025-07-01 10:00:00,000] ERROR in app: Exception on /boom [GET]\nTraceback (most recent call last):\n"), "{log}");
    assert!(log.ends_with("ZeroDivisionError: division by zero\n172.17.0.1 - - [01/Jul/2025 10:00:00] \"\x1b[35m\x1b[1mGET /boom HTTP/1.1\x1b[0m\" 500 -\n"), "{log}");
    // Ctrl+C stops the development server quietly.
    assert!(s.signal(Signal::Int));
    assert!(!s.run());
    assert_eq!(s.exit, Some(0));
}

#[test]
fn flask_run_command() {
    let mut s = Sim::new(&[("app.py", FLASK_APP)], &[]);
    pip(&mut s, "pip install flask");
    s.start("flask run --host=0.0.0.0");
    assert!(s.run(), "{}", s.text());
    let out = s.take();
    assert!(out.starts_with(" * Debug mode: off\n\x1b[31m\x1b[1mWARNING"), "{out}");
    let (st, _, _, _) = s.get(5000, "/");
    assert_eq!(st, 200);
    let mut s = Sim::new(&[], &[]);
    pip(&mut s, "pip install flask");
    s.start("flask run");
    s.run();
    assert_eq!(s.take(), "Usage: flask run [OPTIONS]\nTry 'flask run --help' for help.\n\nError: Could not locate a Flask application. Use the 'flask --app' option, 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the current directory.\n");
    assert_eq!(s.exit, Some(2));
    let mut s = Sim::new(&[("app.py", FLASK_APP)], &["FLASK_APP=app"]);
    pip(&mut s, "pip install flask");
    s.start("flask run");
    s.run();
    assert!(s.take().starts_with(" * Serving Flask app 'app'\n * Debug mode: off\n"));
    let listen = s.prog.as_ref().unwrap().listening();
    assert_eq!(listen[0].host, "127.0.0.1");
}

#[test]
fn flask_needs_installing() {
    check_with(&[("app.py", FLASK_APP)], &[], "python3 app.py", "", "Traceback (most recent call last):\n  File \"/app/app.py\", line 1, in <module>\n    from flask import Flask, jsonify, request\nModuleNotFoundError: No module named 'flask'\n[exit 1]");
}

#[test]
fn gunicorn_and_waitress() {
    let mut s = Sim::new(&[("app.py", FLASK_APP)], &[]);
    pip(&mut s, "pip install flask gunicorn");
    s.now = START;
    s.start("gunicorn --bind 0.0.0.0:8000 -w 2 app:app");
    assert!(s.run(), "{}", s.text());
    assert_eq!(s.take(), "[2025-07-01 10:00:00 +0000] [1] [INFO] Starting gunicorn 23.0.0\n[2025-07-01 10:00:00 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)\n[2025-07-01 10:00:00 +0000] [1] [INFO] Using worker: sync\n[2025-07-01 10:00:00 +0000] [7] [INFO] Booting worker with pid: 7\n[2025-07-01 10:00:00 +0000] [8] [INFO] Booting worker with pid: 8\n");
    let (st, _, h, body) = s.get(8000, "/");
    assert_eq!((st, body.as_str(), header(&h, "Server")), (200, "Hello from Docker!", Some("gunicorn")));
    assert!(s.signal(Signal::Term));
    assert!(!s.run());
    assert_eq!(s.take(), "[2025-07-01 10:00:00 +0000] [1] [INFO] Handling signal: term\n[2025-07-01 10:00:00 +0000] [7] [INFO] Worker exiting (pid: 7)\n[2025-07-01 10:00:00 +0000] [8] [INFO] Worker exiting (pid: 8)\n[2025-07-01 10:00:00 +0000] [1] [INFO] Shutting down: Master\n");
    assert_eq!(s.exit, Some(0));

    let mut s = Sim::new(&[("app.py", FLASK_APP)], &[]);
    pip(&mut s, "pip install flask waitress");
    s.start("waitress-serve --listen=*:8080 app:app");
    assert!(s.run());
    assert_eq!(s.take(), "INFO:waitress:Serving on http://0.0.0.0:8080\n");
    let (st, _, h, _) = s.get(8080, "/");
    assert_eq!(st, 200);
    assert_eq!(h.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["Content-Length", "Content-Type", "Date", "Server"]);
    assert!(!s.signal(Signal::Term), "waitress has no SIGTERM handler");
}

#[test]
fn http_server_module() {
    let mut s = Sim::new(&[("index.txt", "hi\n"), ("sub/a.html", "<b>a</b>")], &[]);
    s.start("python3 -m http.server 8000");
    assert!(s.run());
    assert_eq!(s.take(), "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...\n");
    let (st, _, h, body) = s.get(8000, "/");
    assert_eq!(st, 200);
    assert_eq!(header(&h, "Content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(body, "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Directory listing for /</title>\n</head>\n<body>\n<h1>Directory listing for /</h1>\n<hr>\n<ul>\n<li><a href=\"index.txt\">index.txt</a></li>\n<li><a href=\"sub/\">sub/</a></li>\n</ul>\n<hr>\n</body>\n</html>\n");
    assert_eq!(s.take(), "172.17.0.1 - - [01/Jul/2025 10:00:00] \"GET / HTTP/1.1\" 200 -\n");
    let (st, _, _, body) = s.get(8000, "/index.txt");
    assert_eq!((st, body.as_str()), (200, "hi\n"));
    let (st, reason, _, _) = s.get(8000, "/missing");
    assert_eq!((st, reason.as_str()), (404, "File not found"));
    assert_eq!(s.take(), "172.17.0.1 - - [01/Jul/2025 10:00:00] \"GET /index.txt HTTP/1.1\" 200 -\n172.17.0.1 - - [01/Jul/2025 10:00:00] code 404, message File not found\n172.17.0.1 - - [01/Jul/2025 10:00:00] \"GET /missing HTTP/1.1\" 404 -\n");
    assert!(s.signal(Signal::Int));
    assert!(!s.run());
    assert_eq!(s.take(), "\nKeyboard interrupt received, exiting.\n");
}

// ---------------------------------------------------------------- robustness

/// Mutated programs (a fixed-seed xorshift deletes, duplicates and swaps bytes of valid
/// programs): the interpreter never panics and every run ends or yields within its budget.
#[test]
fn mutated_programs_never_panic_or_hang() {
    let seeds: Vec<String> = vec![
        FLASK_APP.to_string(),
        "def f(a, b=2, *c, **d):\n    return [x * a for x in range(b)] + list(c)\nclass A(Exception):\n    def __init__(self, m):\n        super().__init__(m)\ntry:\n    print(f(1, 3, 4), {'k': (1, 2)}['k'][1:])\n    raise A('x')\nexcept A as e:\n    print(f'{e!r:>10}', 1 / 3, 2 ** 70)\nfinally:\n    print('%s-%d' % ('a', 5))\n".into(),
        "import json, math, random, time\nrandom.seed(1)\nd = json.loads('{\"a\": [1, 2.5, null]}')\nwhile d['a']:\n    x = d['a'].pop()\n    print(x, math.sqrt(4), random.choice('ab'))\nwith open('f.txt', 'w') as fh:\n    fh.write(str(time.time()))\ngen = (i for i in range(5) if i % 2)\nprint(sum(gen), sorted({3, 1, 2}, reverse=True), 'x'.join(map(str, range(3))))\n".into(),
    ];
    let mut m = common::Mutator::new(0x9e37_79b9_7f4a_7c15);
    for round in 0..300 {
        let src = m.mutate(seeds[round % seeds.len()].as_bytes(), b"()[]{}:.,=*'\"\n \\#0af");
        let mut s = Sim::new(&[("main.py", &src)], &[]);
        s.stdin = Input::complete("line\n");
        s.start("python3 main.py");
        // Bounded: at most 50 steps of the step budget each.
        let mut p = s.prog.take().unwrap();
        for _ in 0..50 {
            match p.step(&mut ctx!(s)) {
                Status::Exited(_) => break,
                Status::Waiting(w) => match w.until {
                    Some(t) => s.now = s.now.max(t),
                    None => break,
                },
            }
        }
    }
}

#[test]
fn runaway_programs_fail_cleanly() {
    check("x = []\nwhile True:\n    x.append('y' * 1000)\n    x = x + x\n", "Traceback (most recent call last):\n  File \"/app/main.py\", line 4, in <module>\n    x = x + x\n        ~~^~~\nMemoryError\n[exit 1]");
    check("print(10 ** 100000)\n", "dockling: python: integers of this size are not simulated\n[exit 1]");
}

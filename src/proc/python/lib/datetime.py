# datetime over the virtual clock (UTC, as containers run by default).
import _dockling

MINYEAR = 1
MAXYEAR = 9999
_DAYS_IN_MONTH = [-1, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year, month):
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month]


def _ord(y, m, d):
    # days since 1970-01-01
    y2 = y - 1 if m <= 2 else y
    era = (y2 if y2 >= 0 else y2 - 399) // 400
    yoe = y2 - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _from_ord(n):
    z = n + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


class timedelta:
    def __init__(self, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0):
        total = ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000000 + milliseconds * 1000 + microseconds
        total = round(total)
        self._us = total
        self.days = total // 86400000000
        rest = total - self.days * 86400000000
        self.seconds = rest // 1000000
        self.microseconds = rest % 1000000

    def total_seconds(self):
        return self._us / 1000000

    def __add__(self, other):
        if isinstance(other, timedelta):
            return timedelta(microseconds=self._us + other._us)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return timedelta(microseconds=self._us - other._us)
        return NotImplemented

    def __neg__(self):
        return timedelta(microseconds=-self._us)

    def __abs__(self):
        return timedelta(microseconds=abs(self._us))

    def __mul__(self, n):
        return timedelta(microseconds=self._us * n)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, timedelta):
            return self._us / other._us
        return timedelta(microseconds=self._us / other)

    def __floordiv__(self, other):
        if isinstance(other, timedelta):
            return self._us // other._us
        return timedelta(microseconds=self._us // other)

    def __eq__(self, other):
        return isinstance(other, timedelta) and self._us == other._us

    def __lt__(self, other):
        return self._us < other._us

    def __le__(self, other):
        return self._us <= other._us

    def __gt__(self, other):
        return self._us > other._us

    def __ge__(self, other):
        return self._us >= other._us

    def __hash__(self):
        return hash(self._us)

    def __bool__(self):
        return self._us != 0

    def __str__(self):
        mm, ss = divmod(self.seconds, 60)
        hh, mm = divmod(mm, 60)
        s = "%d:%02d:%02d" % (hh, mm, ss)
        if self.days:
            s = "%d day%s, " % (self.days, "s" if abs(self.days) != 1 else "") + s
        if self.microseconds:
            s = s + ".%06d" % self.microseconds
        return s

    def __repr__(self):
        args = []
        if self.days:
            args.append("days=%d" % self.days)
        if self.seconds:
            args.append("seconds=%d" % self.seconds)
        if self.microseconds:
            args.append("microseconds=%d" % self.microseconds)
        if not args:
            args.append("0")
        return "datetime.timedelta(%s)" % ", ".join(args)


timedelta.min = timedelta(-999999999)
timedelta.max = timedelta(days=999999999, hours=23, minutes=59, seconds=59, microseconds=999999)
timedelta.resolution = timedelta(microseconds=1)


class tzinfo:
    pass


class timezone(tzinfo):
    def __init__(self, offset, name=None):
        self._offset = offset
        self._name = name

    def utcoffset(self, dt):
        return self._offset

    def tzname(self, dt):
        if self._name:
            return self._name
        if not self._offset:
            return "UTC"
        return "UTC" + _fmt_offset(self._offset, ":")

    def __repr__(self):
        if self is timezone.utc:
            return "datetime.timezone.utc"
        return "datetime.timezone(%r)" % self._offset

    def __str__(self):
        return self.tzname(None)


def _fmt_offset(off, sep):
    us = off._us
    sign = "+"
    if us < 0:
        sign = "-"
        us = -us
    hh, rest = divmod(us, 3600000000)
    mm, rest = divmod(rest, 60000000)
    ss = rest // 1000000
    s = "%s%02d%s%02d" % (sign, hh, sep, mm)
    if ss:
        s = s + "%s%02d" % (sep, ss)
    return s


timezone.utc = timezone(timedelta(0))
UTC = timezone.utc


def _check(year, month, day):
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError("year %d is out of range" % year)
    if not 1 <= month <= 12:
        raise ValueError("month must be in 1..12")
    dim = _days_in_month(year, month)
    if not 1 <= day <= dim:
        raise ValueError("day is out of range for month")


def _strftime(fmt, y, m, d, hh, mi, ss, us, tz):
    ms = (_ord(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss) * 1000
    if tz is not None:
        fmt = fmt.replace("%z", _fmt_offset(tz.utcoffset(None), "")).replace("%Z", tz.tzname(None))
    else:
        fmt = fmt.replace("%z", "").replace("%Z", "")
    if ms < 0:
        raise ValueError("dockling: python: dates before 1970 in strftime are not simulated")
    return _dockling.strftime(fmt, ms, us)


class date:
    def __init__(self, year, month, day):
        _check(year, month, day)
        self.year = year
        self.month = month
        self.day = day

    @classmethod
    def today(cls):
        t = _dockling.civil(_dockling.now())
        return cls(t[0], t[1], t[2])

    @classmethod
    def fromtimestamp(cls, ts):
        t = _dockling.civil(int(ts * 1000))
        return cls(t[0], t[1], t[2])

    @classmethod
    def fromisoformat(cls, s):
        try:
            y, m, d = s.split("-")
            return cls(int(y), int(m), int(d))
        except ValueError:
            raise ValueError("Invalid isoformat string: %r" % s)

    @classmethod
    def fromordinal(cls, n):
        y, m, d = _from_ord(n - 719163)
        return cls(y, m, d)

    def toordinal(self):
        return _ord(self.year, self.month, self.day) + 719163

    def weekday(self):
        return (_ord(self.year, self.month, self.day) + 3) % 7

    def isoweekday(self):
        return self.weekday() + 1

    def isoformat(self):
        return "%04d-%02d-%02d" % (self.year, self.month, self.day)

    __str__ = isoformat

    def strftime(self, fmt):
        return _strftime(fmt, self.year, self.month, self.day, 0, 0, 0, 0, None)

    def __format__(self, spec):
        return self.strftime(spec) if spec else str(self)

    def replace(self, year=None, month=None, day=None):
        return date(year or self.year, month or self.month, day or self.day)

    def timetuple(self):
        import time
        return time.localtime(_ord(self.year, self.month, self.day) * 86400)

    def _key(self):
        return (self.year, self.month, self.day)

    def __repr__(self):
        return "datetime.date(%d, %d, %d)" % (self.year, self.month, self.day)

    def __eq__(self, other):
        return isinstance(other, date) and not isinstance(other, datetime) and self._key() == other._key()

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __gt__(self, other):
        return self._key() > other._key()

    def __ge__(self, other):
        return self._key() >= other._key()

    def __hash__(self):
        return hash(self._key())

    def __add__(self, other):
        if isinstance(other, timedelta):
            y, m, d = _from_ord(_ord(self.year, self.month, self.day) + other.days)
            return date(y, m, d)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + timedelta(-other.days)
        if isinstance(other, date):
            return timedelta(_ord(self.year, self.month, self.day) - _ord(other.year, other.month, other.day))
        return NotImplemented


class time:
    def __init__(self, hour=0, minute=0, second=0, microsecond=0, tzinfo=None):
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.tzinfo = tzinfo

    def isoformat(self, timespec="auto"):
        s = "%02d:%02d:%02d" % (self.hour, self.minute, self.second)
        if self.microsecond:
            s = s + ".%06d" % self.microsecond
        return s

    __str__ = isoformat

    def strftime(self, fmt):
        return _strftime(fmt, 1970, 1, 1, self.hour, self.minute, self.second, self.microsecond, self.tzinfo)

    def __repr__(self):
        args = [self.hour, self.minute]
        if self.second or self.microsecond:
            args.append(self.second)
        if self.microsecond:
            args.append(self.microsecond)
        return "datetime.time(%s)" % ", ".join([str(a) for a in args])

    def __eq__(self, other):
        return isinstance(other, time) and (self.hour, self.minute, self.second, self.microsecond) == (other.hour, other.minute, other.second, other.microsecond)


class datetime(date):
    def __init__(self, year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None):
        _check(year, month, day)
        if not 0 <= hour <= 23:
            raise ValueError("hour must be in 0..23")
        if not 0 <= minute <= 59:
            raise ValueError("minute must be in 0..59")
        if not 0 <= second <= 59:
            raise ValueError("second must be in 0..59")
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.tzinfo = tzinfo

    @classmethod
    def _from_us(cls, us, tz=None):
        days, rest = divmod(us, 86400000000)
        y, m, d = _from_ord(days)
        secs, micro = divmod(rest, 1000000)
        return cls(y, m, d, secs // 3600, secs // 60 % 60, secs % 60, micro, tz)

    def _us(self):
        us = ((_ord(self.year, self.month, self.day) * 86400 + self.hour * 3600 + self.minute * 60 + self.second) * 1000000) + self.microsecond
        if self.tzinfo is not None:
            us = us - self.tzinfo.utcoffset(self)._us
        return us

    @classmethod
    def now(cls, tz=None):
        us = _dockling.now() * 1000
        if tz is not None:
            return cls._from_us(us + tz.utcoffset(None)._us, tz)
        return cls._from_us(us)

    @classmethod
    def today(cls):
        return cls.now()

    @classmethod
    def utcnow(cls):
        return cls._from_us(_dockling.now() * 1000)

    @classmethod
    def fromtimestamp(cls, ts, tz=None):
        us = round(ts * 1000000)
        if tz is not None:
            return cls._from_us(us + tz.utcoffset(None)._us, tz)
        return cls._from_us(us)

    @classmethod
    def utcfromtimestamp(cls, ts):
        return cls._from_us(round(ts * 1000000))

    @classmethod
    def combine(cls, d, t, tzinfo=None):
        return cls(d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, tzinfo or t.tzinfo)

    @classmethod
    def fromisoformat(cls, s):
        try:
            tz = None
            if s.endswith("Z"):
                s = s[:-1]
                tz = timezone.utc
            elif len(s) > 19 and s[-6] in "+-" and s[-3] == ":":
                sign = -1 if s[-6] == "-" else 1
                tz = timezone(timedelta(hours=sign * int(s[-5:-3]), minutes=sign * int(s[-2:])))
                s = s[:-6]
            d, _, t = s.replace(" ", "T").partition("T")
            y, m, dd = [int(x) for x in d.split("-")]
            hh = mi = ss = us = 0
            if t:
                parts = t.split(":")
                hh = int(parts[0])
                if len(parts) > 1:
                    mi = int(parts[1])
                if len(parts) > 2:
                    sec, _, frac = parts[2].partition(".")
                    ss = int(sec)
                    if frac:
                        us = int((frac + "000000")[:6])
            return cls(y, m, dd, hh, mi, ss, us, tz)
        except (ValueError, IndexError):
            raise ValueError("Invalid isoformat string: %r" % s)

    @classmethod
    def strptime(cls, s, fmt):
        vals = {"Y": 1900, "m": 1, "d": 1, "H": 0, "M": 0, "S": 0, "f": 0}
        i = 0
        j = 0
        while j < len(fmt):
            c = fmt[j]
            if c == "%" and j + 1 < len(fmt):
                k = fmt[j + 1]
                width = {"Y": 4, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2, "f": 6, "y": 2}.get(k)
                if width is None:
                    raise ValueError("dockling: python: strptime directive %%%s is not simulated" % k)
                e = i
                while e < len(s) and e - i < width and s[e].isdigit():
                    e = e + 1
                if e == i:
                    raise ValueError("time data %r does not match format %r" % (s, fmt))
                v = int(s[i:e])
                if k == "y":
                    vals["Y"] = 2000 + v if v < 69 else 1900 + v
                else:
                    vals[k] = v
                i = e
                j = j + 2
            else:
                if i >= len(s) or s[i] != c:
                    raise ValueError("time data %r does not match format %r" % (s, fmt))
                i = i + 1
                j = j + 1
        if i != len(s):
            raise ValueError("unconverted data remains: %s" % s[i:])
        return cls(vals["Y"], vals["m"], vals["d"], vals["H"], vals["M"], vals["S"], vals["f"])

    def timestamp(self):
        return self._us() / 1000000

    def date(self):
        return date(self.year, self.month, self.day)

    def time(self):
        return time(self.hour, self.minute, self.second, self.microsecond)

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None, microsecond=None, tzinfo=True):
        return datetime(
            self.year if year is None else year, self.month if month is None else month,
            self.day if day is None else day, self.hour if hour is None else hour,
            self.minute if minute is None else minute, self.second if second is None else second,
            self.microsecond if microsecond is None else microsecond,
            self.tzinfo if tzinfo is True else tzinfo)

    def astimezone(self, tz=None):
        if tz is None:
            tz = timezone.utc
        return datetime._from_us(self._us() + tz.utcoffset(None)._us, tz)

    def utcoffset(self):
        return self.tzinfo.utcoffset(self) if self.tzinfo else None

    def isoformat(self, sep="T", timespec="auto"):
        s = "%04d-%02d-%02d%s%02d:%02d:%02d" % (self.year, self.month, self.day, sep, self.hour, self.minute, self.second)
        if timespec == "seconds":
            pass
        elif timespec == "milliseconds":
            s = s + ".%03d" % (self.microsecond // 1000)
        elif self.microsecond or timespec == "microseconds":
            s = s + ".%06d" % self.microsecond
        if self.tzinfo is not None:
            s = s + _fmt_offset(self.tzinfo.utcoffset(self), ":")
        return s

    def __str__(self):
        return self.isoformat(" ")

    def strftime(self, fmt):
        return _strftime(fmt, self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond, self.tzinfo)

    def ctime(self):
        return self.strftime("%a %b %e %H:%M:%S %Y")

    def timetuple(self):
        import time as _t
        return _t.localtime(self.timestamp())

    def weekday(self):
        return (_ord(self.year, self.month, self.day) + 3) % 7

    def _key(self):
        return self._us()

    def __repr__(self):
        args = [self.year, self.month, self.day, self.hour, self.minute]
        if self.second or self.microsecond:
            args.append(self.second)
        if self.microsecond:
            args.append(self.microsecond)
        s = ", ".join([str(a) for a in args])
        if self.tzinfo is not None:
            s = s + ", tzinfo=%r" % self.tzinfo
        return "datetime.datetime(%s)" % s

    def __eq__(self, other):
        return isinstance(other, datetime) and self._us() == other._us()

    def __hash__(self):
        return hash(self._us())

    def __add__(self, other):
        if isinstance(other, timedelta):
            return datetime._from_us(self._us() + other._us + (self.tzinfo.utcoffset(None)._us if self.tzinfo else 0), self.tzinfo)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + (-other)
        if isinstance(other, datetime):
            if (self.tzinfo is None) != (other.tzinfo is None):
                raise TypeError("can't subtract offset-naive and offset-aware datetimes")
            return timedelta(microseconds=self._us() - other._us())
        return NotImplemented


datetime.min = datetime(1, 1, 1)
datetime.max = datetime(9999, 12, 31, 23, 59, 59, 999999)
date.min = date(1, 1, 1)
date.max = date(9999, 12, 31)

class struct_time:
    _fields = ("tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst")

    def __init__(self, t):
        self._t = tuple(t)
        self.tm_year, self.tm_mon, self.tm_mday, self.tm_hour, self.tm_min, self.tm_sec, self.tm_wday, self.tm_yday, self.tm_isdst = self._t
        self.tm_zone = "UTC"
        self.tm_gmtoff = 0

    def __getitem__(self, i):
        return self._t[i]

    def __iter__(self):
        return iter(self._t)

    def __len__(self):
        return 9

    def __eq__(self, other):
        return tuple(self) == tuple(other)

    def __repr__(self):
        return "time.struct_time(" + ", ".join(["%s=%r" % (n, v) for n, v in zip(self._fields, self._t)]) + ")"

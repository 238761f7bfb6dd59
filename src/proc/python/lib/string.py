whitespace = " \t\n\r\x0b\x0c"
ascii_lowercase = "abcdefghijklmnopqrstuvwxyz"
ascii_uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ascii_letters = ascii_lowercase + ascii_uppercase
digits = "0123456789"
hexdigits = digits + "abcdef" + "ABCDEF"
octdigits = "01234567"
punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
printable = digits + ascii_letters + punctuation + whitespace


def capwords(s, sep=None):
    return (sep or " ").join([x.capitalize() for x in s.split(sep)])


class Template:
    def __init__(self, template):
        self.template = template

    def substitute(self, mapping=None, **kws):
        values = dict(mapping or {})
        values.update(kws)
        return self._sub(values, False)

    def safe_substitute(self, mapping=None, **kws):
        values = dict(mapping or {})
        values.update(kws)
        return self._sub(values, True)

    def _sub(self, values, safe):
        out = ""
        s = self.template
        i = 0
        while i < len(s):
            c = s[i]
            if c != "$":
                out = out + c
                i = i + 1
                continue
            if s[i + 1:i + 2] == "$":
                out = out + "$"
                i = i + 2
                continue
            j = i + 1
            braced = s[j:j + 1] == "{"
            if braced:
                j = j + 1
            k = j
            while k < len(s) and (s[k].isalnum() or s[k] == "_"):
                k = k + 1
            name = s[j:k]
            end = k + 1 if braced else k
            if name in values:
                out = out + str(values[name])
            elif safe:
                out = out + s[i:end]
            else:
                raise KeyError(name)
            i = end
        return out

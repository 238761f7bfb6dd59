import _dockling


class Markup(str):
    def __html__(self):
        return self


def escape(s):
    if hasattr(s, "__html__"):
        return s
    return Markup(_dockling.html_escape(str(s)))

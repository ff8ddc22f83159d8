"""Text from facts or a model as plain text: control characters dropped, one line, Markdown-escaped and back.

The rule (render_markdown's docstring states it for the document as a whole):

- `clean`: C0 control characters other than tab and line breaks, DEL, C1 control characters, lone surrogates and
  the non-characters U+FFFE/U+FFFF are dropped; XML (and so Word) rejects them and they are invisible anyway.
- `one_line`: a sentence is one line. Every run of whitespace that contains a line break (\\n, \\r, \\v, \\f,
  U+0085, U+2028, U+2029) becomes one space, and the text is stripped.
- `escape`: the one-line text escaped so it reads as text in CommonMark/GFM. A backslash goes before every
  `\\` `` ` `` `*` `_` `[` `]` `|` `#` `~` and before a `(` that follows `]`; `<` and `>` are written `&lt;`
  and `&gt;`, and an `&` that starts an entity reference `&amp;`. At the start of the text a leading `-` or `+`,
  and the `.` or `)` after leading digits, are escaped (no list item); the `、` after a leading numeral (`一、`,
  `1、`) is written `&#12289;`, so a paragraph never reads as a plain-text section heading to `from_markdown`.
  A placeholder `[TO FILL: …]` keeps its brackets (its inside is escaped) unless `(`, `[` or `:` follows it;
  with every other bracket escaped there is no link definition it could refer to.
- `unescape` undoes `escape`: backslash escapes of ASCII punctuation and entity references are decoded.

Bare URLs are left as they are: CommonMark shows them as text; GFM renderers may make them clickable.
"""

from __future__ import annotations

import html
import re

_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[ \t\u00a0\u3000]*[\n\r\x0b\x0c\x85\u2028\u2029][\\s\u3000]*")
_SPECIAL = frozenset("\\`*_[]|#~")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_EN_PLACEHOLDER = re.compile(r"\[TO FILL:([^\]]*)\]")
_LEADING_ORDINAL = re.compile(r"^(\d{1,9})([.)])")
_LEADING_NUMERAL = re.compile(r"^([一二三四五六七八九十]{1,3}|\d{1,2})、")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|" + _ENTITY.pattern)


def clean(text: str) -> str:
    """`text` without the characters XML rejects and the invisible control characters (tab and breaks kept)."""
    return _DROP.sub("", text)


def one_line(text: str) -> str:
    """`text` cleaned, each line break (with the whitespace around it) made one space, and stripped."""
    return _BREAKS.sub(" ", clean(text)).strip()


def _escape_run(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch in _ENTITIES and (ch != "&" or _ENTITY.match(text, i)):
            out.append(_ENTITIES[ch])
        elif ch in _SPECIAL or (ch == "(" and i and text[i - 1] == "]"):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def escape(text: str) -> str:
    """`text` as one line of Markdown that shows exactly this text and creates no structure (see the module doc)."""
    text = one_line(text)
    parts: list[str] = []
    pos = 0
    for match in _EN_PLACEHOLDER.finditer(text):
        if text[match.end():match.end() + 1] in ("(", "[", ":"):
            continue
        parts.append(_escape_run(text[pos:match.start()]))
        parts.append("[TO FILL:" + _escape_run(match.group(1)) + "]")
        pos = match.end()
    parts.append(_escape_run(text[pos:]))
    out = "".join(parts)
    if out[:1] in ("-", "+"):
        out = "\\" + out
    out = _LEADING_ORDINAL.sub(r"\1\\\2", out, count=1)
    return _LEADING_NUMERAL.sub(r"\1&#12289;", out, count=1)


def _unescape_match(match: re.Match[str]) -> str:
    return match.group(1) if match.group(1) is not None else html.unescape(match.group(0))


def unescape(text: str, keep_first: bool = False) -> str:
    """Markdown text as what it shows: backslash escapes of ASCII punctuation and entity references decoded.

    With `keep_first` the first escape stays as written (a reader that finds list markers in the text uses it).
    """
    if keep_first:
        first = _UNESCAPE.search(text)
        if first is not None:
            return text[:first.end()] + _UNESCAPE.sub(_unescape_match, text[first.end():])
    return _UNESCAPE.sub(_unescape_match, text)

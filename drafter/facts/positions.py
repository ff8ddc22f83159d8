"""One-pass position scans of JSON and TOML facts files: the line of every key and list item, in linear time.

Each scan runs before the real parser and also enforces what the parser cannot locate or would crash on: nesting
deeper than MAX_DEPTH (the parsers recurse), unquoted numbers longer than MAX_NUMBER_CHARS (Python limits int
digits) and, for JSON, a key given twice in one object (json.loads keeps the last silently). On text it cannot
follow the scan stops quietly and returns what it found: the parser then reports the syntax error.
"""

from __future__ import annotations

import re
import tomllib
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path

from drafter.errors import InputError
from drafter.facts.guard import MAX_DEPTH, MAX_NUMBER_CHARS, Loc, depth_error, duplicate_error, number_error


class LineCounter:
    """Line numbers of increasing positions, counting each character once (`scanned` is how many were counted)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.scanned = 0

    def at(self, pos: int) -> int:
        """The 1-based line of `pos`."""
        if pos < self.pos:  # positions come in increasing order; a step back is counted afresh from the start
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.scanned += pos - self.pos
        self.pos = pos
        return self.line


class _Frame:
    __slots__ = ("kind", "loc", "index", "seen")

    def __init__(self, kind: str, loc: Loc) -> None:
        self.kind = kind
        self.loc = loc
        self.index = 0
        self.seen: dict[str, int] = {}


_CLOSE = {"[": "]", "{": "}"}
_VALUE, _KEY, _AFTER = 0, 1, 2

_JSON_WS = re.compile(r"[ \t\r\n]*")
_JSON_BARE = re.compile(r"[^\s,:\[\]{}\"]+")


def _open(c: str, loc: Loc, stack: list[_Frame], text: str, pos: int, gap: re.Pattern[str]) -> tuple[int, int, Loc]:
    """The bracket `c` at `pos` opens a container: push its frame and skip the gap after it. Returns the position,
    the scanner's next state and the location of what comes next (an empty container closes at once)."""
    frame = _Frame(c, loc)
    stack.append(frame)
    pos = _skip(gap, text, pos + 1)
    if pos < len(text) and text[pos] == _CLOSE[c]:
        stack.pop()
        return pos + 1, _AFTER, loc
    if c == "[":
        return pos, _VALUE, (*frame.loc, 0)
    return pos, _KEY, loc


def scan_json(text: str, path: Path, lines: LineCounter | None = None) -> dict[Loc, int]:
    """Key path → line for a JSON document, in one pass."""
    lines = lines or LineCounter(text)
    out: dict[Loc, int] = {}
    stack: list[_Frame] = []
    n = len(text)
    pos = _skip(_JSON_WS, text, 0)
    loc: Loc = ()
    state = _VALUE
    while pos < n:
        c = text[pos]
        if state == _VALUE:
            line = lines.at(pos)
            out.setdefault(loc, line)
            if c in _CLOSE:
                if len(stack) >= MAX_DEPTH:
                    raise depth_error(path, line)
                pos, state, loc = _open(c, loc, stack, text, pos, _JSON_WS)
                continue
            if c == '"':
                try:
                    pos = scanstring(text, pos + 1)[1]
                except ValueError:
                    return out
            else:
                match = _JSON_BARE.match(text, pos)
                if match is None:
                    return out
                if len(match.group()) > MAX_NUMBER_CHARS:
                    raise number_error(path, line, match.group())
                if match.group() in ("NaN", "Infinity", "-Infinity"):
                    raise InputError(f"{path}:{line}: {match.group()} is not a JSON number a fact can state; "
                                     "write the figure as text in quotes.")
                pos = match.end()
            state = _AFTER
        elif state == _KEY:
            if c != '"':
                return out
            try:
                key, end = scanstring(text, pos + 1)
            except ValueError:
                return out
            frame = stack[-1]
            line = lines.at(pos)
            loc = (*frame.loc, key)
            if key in frame.seen:
                raise duplicate_error(path, loc, frame.seen[key], line)
            frame.seen[key] = line
            out[loc] = line
            pos = _skip(_JSON_WS, text, end)
            if pos >= n or text[pos] != ":":
                return out
            pos += 1
            state = _VALUE
        else:
            if not stack:
                return out
            frame = stack[-1]
            if c == ",":
                if frame.kind == "[":
                    frame.index += 1
                    loc = (*frame.loc, frame.index)
                    state = _VALUE
                else:
                    state = _KEY
                pos += 1
            elif c == _CLOSE[frame.kind]:
                stack.pop()
                pos += 1
            else:
                return out
        pos = _skip(_JSON_WS, text, pos)
    return out


# TOML: keys are bare (A-Za-z0-9_-) or quoted pieces joined by dots; values are strings, arrays, inline tables or
# bare scalars (numbers, booleans, dates).
_TOML_SPACE = re.compile(r"[ \t]*")
_TOML_GAP = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")  # inside arrays: whitespace, newlines and comments
_TOML_PIECE = re.compile(r"[A-Za-z0-9_-]+|\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'")
_TOML_DOT = re.compile(r"[ \t]*\.[ \t]*")
_TOML_BASIC = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"")
_TOML_LITERAL = re.compile(r"'[^'\n]*'")
_TOML_ML_BASIC_END = re.compile(r"\\.|\"\"\"\"{0,2}", re.S)
_TOML_BARE = re.compile(r"[^,\]}\r\n#]+")


def _toml_key(text: str, pos: int) -> tuple[list[str], int] | None:
    keys: list[str] = []
    while True:
        match = _TOML_PIECE.match(text, pos)
        if match is None:
            return None
        piece = match.group()
        if piece[0] == '"':
            try:
                piece = tomllib.loads(f"k = {piece}")["k"] if "\\" in piece else piece[1:-1]
            except tomllib.TOMLDecodeError:
                return None
        elif piece[0] == "'":
            piece = piece[1:-1]
        keys.append(piece)
        dot = _TOML_DOT.match(text, match.end())
        if dot is None:
            return keys, _skip(_TOML_SPACE, text, match.end())
        pos = dot.end()


def _toml_string_end(text: str, pos: int) -> int:
    """The position after the string starting at `pos`, or -1."""
    if text.startswith('"""', pos):
        for found in _TOML_ML_BASIC_END.finditer(text, pos + 3):
            if found.group()[0] == '"':
                return found.end()
        return -1
    if text.startswith("'''", pos):
        end = text.find("'''", pos + 3)
        if end < 0:
            return -1
        end += 3
        for _ in range(2):  # up to two quotes may stand just before the closing three
            if text.startswith("'", end):
                end += 1
        return end
    match = (_TOML_BASIC if text[pos] == '"' else _TOML_LITERAL).match(text, pos)
    return match.end() if match else -1


class _TomlScan:
    def __init__(self, text: str, path: Path, lines: LineCounter) -> None:
        self.text = text
        self.path = path
        self.lines = lines
        self.out: dict[Loc, int] = {}
        self.assigned: dict[Loc, int] = {}
        self.tables: dict[Loc, int] = {}  # array-of-tables path → index of its last table

    def resolve(self, keys: list[str]) -> Loc:
        """A header's path with the current index of each array of tables it passes through."""
        loc: Loc = ()
        for key in keys:
            loc = (*loc, key)
            if loc in self.tables:
                loc = (*loc, self.tables[loc])
        return loc

    def assign(self, loc: Loc, line: int, start: int) -> None:
        if loc in self.assigned:
            raise duplicate_error(self.path, loc, self.assigned[loc], line)
        self.assigned[loc] = line
        for k in range(start, len(loc) + 1):
            self.out.setdefault(loc[:k], line)

    def run(self) -> dict[Loc, int]:
        text, n = self.text, len(self.text)
        table: Loc = ()
        pos = 0
        while pos < n:
            pos = _skip(_TOML_SPACE, text, pos)
            if pos >= n:
                break
            c = text[pos]
            if c in "\r\n":
                pos += 1
                continue
            if c == "#":
                pos = _eol(text, pos)
                continue
            line = self.lines.at(pos)
            if c == "[":
                double = text.startswith("[[", pos)
                parsed = _toml_key(text, _skip(_TOML_SPACE, text, pos + (2 if double else 1)))
                if parsed is None:
                    return self.out
                keys, end = parsed
                if double:
                    base = (*self.resolve(keys[:-1]), keys[-1])
                    index = self.tables.get(base, -1) + 1
                    self.tables[base] = index
                    table = (*base, index)
                    self.out.setdefault(base, line)
                    self.out[table] = line
                else:
                    table = self.resolve(keys)
                    self.assign(table, line, 1)
                pos = _eol(text, end)
                continue
            parsed = _toml_key(text, pos)
            if parsed is None or not text.startswith("=", parsed[1]):
                return self.out
            loc = (*table, *parsed[0])
            self.assign(loc, line, len(table) + 1)
            pos = self.value(parsed[1] + 1, loc, len(loc))
            if pos < 0:
                return self.out
            pos = _eol(text, pos)
        return self.out

    def value(self, pos: int, loc: Loc, depth: int) -> int:
        """Scan one value; return the position after it, or -1 where the scan cannot follow."""
        text, n = self.text, len(self.text)
        stack: list[_Frame] = []
        state = _VALUE
        while True:
            gap = _TOML_GAP if stack else _TOML_SPACE
            pos = _skip(gap, text, pos)
            if pos >= n:
                return -1
            c = text[pos]
            if state == _VALUE:
                line = self.lines.at(pos)
                self.out.setdefault(loc, line)
                if c in _CLOSE:
                    if depth + len(stack) >= MAX_DEPTH:
                        raise depth_error(self.path, line)
                    pos, state, loc = _open(c, loc, stack, text, pos, _TOML_GAP)
                    if state == _AFTER and not stack:  # an empty array or table closed at once
                        return pos
                    continue
                if c in "\"'":
                    pos = _toml_string_end(text, pos)
                    if pos < 0:
                        return -1
                else:
                    match = _TOML_BARE.match(text, pos)
                    if match is None:
                        return -1
                    token = match.group().rstrip()
                    if len(token) > MAX_NUMBER_CHARS:
                        raise number_error(self.path, line, token)
                    pos += len(token)
                state = _AFTER
                if not stack:
                    return pos
            elif state == _KEY:
                parsed = _toml_key(text, pos)
                if parsed is None or not text.startswith("=", parsed[1]):
                    return -1
                frame = stack[-1]
                line = self.lines.at(pos)
                loc = (*frame.loc, *parsed[0])
                dotted = ".".join(parsed[0])
                if dotted in frame.seen:
                    raise duplicate_error(self.path, loc, frame.seen[dotted], line)
                frame.seen[dotted] = line
                self.out.setdefault(loc, line)
                pos = parsed[1] + 1
                state = _VALUE
            else:
                frame = stack[-1]
                if c == ",":
                    pos = _skip(_TOML_GAP, text, pos + 1)
                    if frame.kind == "[" and text.startswith("]", pos):
                        continue  # a trailing comma: the bracket closes on the next turn
                    if frame.kind == "[":
                        frame.index += 1
                        loc = (*frame.loc, frame.index)
                        state = _VALUE
                    else:
                        state = _KEY
                elif c == _CLOSE[frame.kind]:
                    stack.pop()
                    pos += 1
                    if not stack:
                        return pos
                else:
                    return -1


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """The end of `pattern` (which may match nothing) at `pos`."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _eol(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def scan_toml(text: str, path: Path, lines: LineCounter | None = None) -> dict[Loc, int]:
    """Key path → line for a TOML document (tables, arrays of tables, arrays, inline tables), in one pass."""
    return _TomlScan(text, path, lines or LineCounter(text)).run()

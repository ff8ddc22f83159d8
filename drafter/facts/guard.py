"""Limits every facts file is held to before validation: characters, nesting depth, number length, finite numbers.

The character rule: tab, line feed and carriage return are the only control characters allowed, in the file and
in any text it yields (after YAML/JSON/TOML escapes are applied). Other C0 controls (U+0000–U+001F), DEL and the
C1 controls (U+007F–U+009F), the line and paragraph separators U+2028/U+2029, lone surrogates (U+D800–U+DFFF,
reachable through escapes such as "\\ud800") and the non-characters U+FFFE/U+FFFF are rejected with the line and
the character shown as U+XXXX.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from drafter.errors import InputError

Loc = tuple[Any, ...]

MAX_DEPTH = 16
"""Lists and mappings nested deeper than this are rejected; the schema needs 3 (a goal mapping in the goals list)."""

MAX_NUMBER_CHARS = 50
"""An unquoted number longer than this is rejected (it would be turned into text, and Python limits int digits)."""

BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def describe_char(char: str) -> str:
    """U+0007 (a control character), U+2028 (a line separator), U+D800 (a lone surrogate) …"""
    code = ord(char)
    if code in (0x2028, 0x2029):
        kind = "a line or paragraph separator"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate, not a character"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a non-character"
    else:
        kind = "a control character"
    return f"U+{code:04X} ({kind})"


def check_raw_text(text: str, path: Path) -> None:
    """Reject a disallowed character anywhere in the decoded file (comments included), with line and column."""
    match = BAD_CHAR.search(text)
    if match is None:
        return
    start = match.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    raise InputError(
        f"{path}:{line}: column {column} holds {describe_char(match.group())}; remove it "
        "(tab and line breaks are the only control characters a facts file may contain)."
    )


def where(loc: Loc) -> str:
    """The key path as the messages show it, list positions counted from 1: facts #4, goals #1.metric."""
    text = ""
    for part in loc:
        text += f" #{part + 1}" if isinstance(part, int) else (f".{part}" if text else str(part))
    text = text.strip() or "file"
    return BAD_CHAR.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    """The line of `loc`, or of its nearest located parent; 1 when nothing is known."""
    for n in range(len(loc), -1, -1):
        line = lines.get(loc[:n])
        if line:
            return line
    return 1


def depth_error(path: Path, line: int) -> InputError:
    """Lists or mappings nested deeper than MAX_DEPTH."""
    return InputError(
        f"{path}:{line}: lists or mappings are nested more than {MAX_DEPTH} levels deep here; a facts file needs "
        "at most a mapping inside a list (a goal in goals): write each fact as one line of text."
    )


def number_error(path: Path, line: int, token: str) -> InputError:
    """An unquoted number longer than MAX_NUMBER_CHARS."""
    return InputError(
        f"{path}:{line}: the unquoted number {token[:12]}… has {len(token)} characters (at most "
        f"{MAX_NUMBER_CHARS}); put it in quotes if it is meant as text."
    )


def duplicate_error(path: Path, loc: Loc, first: int, second: int) -> InputError:
    """A key given twice in the same mapping: name both lines."""
    return InputError(
        f"{path}:{second}: key '{where(loc)}' is given twice (lines {first} and {second}); a key may appear once — "
        "merge the two into one."
    )


def check_values(data: Any, lines: dict[Loc, int], path: Path) -> None:
    """Walk the parsed data without recursion: characters of every key and text, finite numbers, depth."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if len(loc) > MAX_DEPTH:
            raise depth_error(path, line_of(lines, loc))
        if isinstance(value, str):
            _check_text(value, loc, lines, path)
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{path}:{line_of(lines, loc)}: '{where(loc)}' is {value}, not a number a fact can "
                             "state; write the figure as text in quotes.")
        elif isinstance(value, dict):
            children = []
            for key, sub in value.items():
                if isinstance(key, str):
                    _check_text(key, (*loc, key), lines, path, is_key=True)
                children.append(((*loc, key), sub))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([((*loc, i), sub) for i, sub in enumerate(value)]))


def _check_text(text: str, loc: Loc, lines: dict[Loc, int], path: Path, is_key: bool = False) -> None:
    match = BAD_CHAR.search(text)
    if match is None:
        return
    what = f"the key '{where(loc)}'" if is_key else f"'{where(loc)}'"
    raise InputError(
        f"{path}:{line_of(lines, loc)}: {what} holds {describe_char(match.group())} at character "
        f"{match.start() + 1}; remove it or write the character itself (tab and line breaks are the only control "
        "characters allowed)."
    )

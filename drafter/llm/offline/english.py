"""English details: a fact's noun phrase as a clause, possessives, articles and case (RevPAR stays RevPAR)."""

from __future__ import annotations

import re

_PREPOSITION_NEXT = frozenset(
    "in on at to as with by for from across into during this last daily weekly monthly online now through under over "
    "before after within per".split())
_IRREGULAR = frozenset("cut set put run built held made sent kept paid won shut spent brought grown".split())
_ADJECTIVE_ED = frozenset("automated guided dedicated integrated based advanced limited detailed skilled qualified "
                          "connected unified shared extended".split())
_PRESENT_PARTICIPLE = frozenset("tied linked based aligned".split())
_FINITE = re.compile(
    r"(?i)\b(?:is|are|was|were|has|have|had|covers|covered|start|starts|started|averaged|reached|reduced|rose|fell"
    r"|grew|failed|fixed|moved|increased|decreased|improved|dropped|remains|stands|exceeded|hit|opened|closed|won"
    r"|lost|signed|joined|left|handled|resolved|serves|runs|operates)\b")
_METRIC_HEAD = re.compile(
    r"(?i)(?:occupancy|turnover|revenue|revpar|headcount|churn|utili[sz]ation|score|capacity|price|prices|vacancies"
    r"|rate|share|cost|costs|time|margin|count|value|ratio|retention|satisfaction|volume|sales|spend|budget|growth"
    r"|attrition|accuracy|throughput|yield|uptime|availability|backlog|balance|arr|mrr|nps|gmv|profit|income"
    r"|traffic|usage|adoption|conversion|index)$")
_PLURAL_WORDS = frozenset("people staff telematics data".split())


def upper_first(text: str) -> str:
    """Upper-case the first letter only (everything else keeps its case)."""
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """'Empty running rate' → 'empty running rate'; acronyms and names with inner capitals (RevPAR, NPS) stay."""
    first = text.split(" ")[0] if text else ""
    if first[:1].isupper() and first[1:].islower():
        return text[:1].lower() + text[1:]
    return text


def possessive(name: str) -> str:
    """Harborline Hotels' / Lumenfield Software's."""
    return name + ("'" if name.endswith("s") else "'s")


def article(word: str) -> str:
    """'a ' or 'an ' for the word that follows."""
    return "an " if word[:1].lower() in "aeiou" else "a "


def _plural(subject: str) -> bool:
    first = subject.split()[0] if subject.split() else ""
    if first[:1].isdigit() and first.replace(",", "") not in ("1", "1.0"):
        return True
    last = _head_noun(subject).lower()
    return last in _PLURAL_WORDS or (last.endswith("s") and not last.endswith(("ss", "us", "is")))


def _participle_at(words: list[str]) -> int | None:
    """Index of a past participle used as the verb of a headline phrase ("kiosks piloted in 4 hotels")."""
    for i, word in enumerate(words):
        if i == 0:
            continue
        bare = word.lower().strip(",;")
        if bare in _ADJECTIVE_ED or not (bare.endswith("ed") or bare in _IRREGULAR):
            continue
        nxt = words[i + 1].lower().strip(",;") if i + 1 < len(words) else ""
        if not nxt or nxt in _PREPOSITION_NEXT:
            return i
    return None


def metric_of(text: str) -> str | None:
    """The metric a short fact reports ("Average occupancy of 78% in H1 2025" → "Average occupancy"), if any."""
    m = re.match(r"^(?P<head>[A-Za-z][\w\s\-/]*?)\s+(?:of|was|were|averaged|reached)\s+(?:RMB|US\$|\$|€|¥)?\s*\d", text)
    if m and _METRIC_HEAD.search(m.group("head").strip()):
        return m.group("head").strip()
    return None


def _head_noun(subject: str) -> str:
    """The head of a noun phrase: the word before its first preposition ("bonus for hotel teams" → bonus)."""
    words = subject.split()
    for i, word in enumerate(words):
        if i and word.lower() in ("for", "of", "with", "between", "on", "in", "at", "from", "to", "worth"):
            return words[i - 1]
    return words[-1] if words else ""


def clause(text: str, company: str) -> str:
    """A fact as a clause: noun phrases get a verb ("Average occupancy of 78%" → "Average occupancy was 78%")."""
    text = text.strip()
    words = text.split()
    if not words:
        return text
    at = _participle_at(words)
    if at is not None and not _FINITE.search(" ".join(words[:at])):
        start = at - 1 if words[at - 1].lower() == "now" else at
        subject = " ".join(words[:start])
        now = words[at - 1].lower() == "now" or words[at].lower() in _PRESENT_PARTICIPLE
        be = ("are" if _plural(subject) else "is") if now else ("were" if _plural(subject) else "was")
        return f"{subject} {be} {' '.join(words[start:])}"
    if _FINITE.search(text):
        return text
    of = re.match(r"^(?P<head>[A-Za-z][\w\s\-/’']*?)\s+of\s+(?P<rest>(?:RMB|US\$|\$|€|¥)?\s*\d.*)$", text)
    if of and _METRIC_HEAD.search(of.group("head").strip()):
        head = of.group("head").strip()
        return f"{head} {'were' if _plural(head) else 'was'} {of.group('rest')}"
    if text[:1].isdigit():
        past = re.search(r"(?i)\bat\s+the\s+end\s+of\b|\bin\s+(?:Q[1-4]|H[12]|20\d\d)\b|\blast\b", text)
        return f"{company} {'had' if past else 'has'} {text}"
    if of:  # "Fleet of 340 trucks", "Refurbishment of 3 hotels …"
        return f"there is {article(text)}{lower_first(text)}"
    first = words[0]
    if _plural(first) and len(words) > 1 and not _plural(words[-1]):
        return f"there are {lower_first(text)}"
    return f"there is {article(text)}{lower_first(text)}"


def profile_clause(text: str, company: str) -> str:
    """A profile fact as a clause about the company ("Fleet of 340 trucks" → "Bluewater Freight has a fleet of …")."""
    text = text.strip()
    if text[:1].isdigit():
        return clause(text, company)
    of = re.match(r"^(?P<head>[A-Za-z][\w\s\-]*?)\s+of\s+", text)
    if of and not _METRIC_HEAD.search(of.group("head").strip()):
        return f"{company} has {article(text)}{lower_first(text)}"
    return clause(text, company)

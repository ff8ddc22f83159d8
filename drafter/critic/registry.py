"""The check registry: a check is a named object that reads a Document and a CheckContext and yields findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from drafter.critic.coverage import required_keys
from drafter.critic.document import Document
from drafter.draft.model import Finding
from drafter.facts.model import Fact


@dataclass
class CheckContext:
    """What checks read besides the document: the facts, their texts, the strategy and the section selection."""

    lang: str  # the document's language
    facts: Sequence[Fact] | None = None
    source_texts: Sequence[str] | None = None
    strategy: Sequence[str] = ()
    selected: Sequence[str] | None = None
    names: Sequence[str] = ()
    as_of: int | None = None  # the year of the document's period: times before it are past
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        """Keys that must be present: the facts file's `sections:` override, else the catalog's required ones."""
        return required_keys(self.selected)


class Check(Protocol):
    """One deterministic check."""

    @property
    def name(self) -> str:
        """Short name of the check (smart, grounding, …)."""
        ...

    def run(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        """The findings of this check on `doc`."""
        ...


RunFunction = Callable[[Document, CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class FunctionCheck:
    """A check made from a function."""

    name: str
    function: RunFunction

    def run(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        """Call the function."""
        return self.function(doc, ctx)


REGISTRY: list[Check] = []


def register(name: str) -> Callable[[RunFunction], FunctionCheck]:
    """Decorator: register a function as the check `name`; checks run in the order they are registered."""
    def wrap(function: RunFunction) -> FunctionCheck:
        if any(c.name == name for c in REGISTRY):
            raise ValueError(f"a check named '{name}' is already registered.")
        check = FunctionCheck(name, function)
        REGISTRY.append(check)
        return check
    return wrap


def registered() -> list[Check]:
    """Every registered check, in run order (drafter.critic.checks registers the built-in ones)."""
    return list(REGISTRY)

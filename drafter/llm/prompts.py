"""Prompt files in `prompts/`, loaded by name, with variables checked when loaded and when filled."""

from __future__ import annotations

import hashlib
import json
import re
import string
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from drafter.errors import DrafterError

# The variables each prompt may use; a prompt file naming any other variable fails at load time.
VARIABLES: dict[str, frozenset[str]] = {
    "system": frozenset({"company", "period", "audience", "context"}),
    "section": frozenset({"title", "guidance", "revision", "data"}),
    "opening": frozenset({"data"}),
    "summary": frozenset({"data"}),
    "revision": frozenset({"critique", "instruction"}),
    "reask": frozenset({"error"}),
    "critic": frozenset({"data"}),
}

DATA_OPEN, DATA_CLOSE = "<data>", "</data>"


@dataclass(frozen=True)
class Message:
    """One rendered chat message (converted to LangChain messages only on the LangChain path)."""

    role: Literal["system", "human"]
    content: str

    @property
    def type(self) -> str:
        """Same name as LangChain's message attribute, so keys are computed alike for both."""
        return self.role


class PromptError(DrafterError):
    """A prompt file is missing or names variables it is not given."""


def prompts_dir() -> Path:
    """The prompts folder: shipped in the wheel as `drafter/_prompts`, or `prompts/` in a checkout."""
    packaged = Path(str(resources.files("drafter"))) / "_prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "prompts"


class Prompt:
    """A loaded prompt template."""

    def __init__(self, name: str, text: str, allowed: frozenset[str]) -> None:
        self.name = name
        self.text = text
        self.fields = frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f)
        unknown = self.fields - allowed
        if unknown:
            raise PromptError(f"prompt '{name}' uses unknown variable(s): {', '.join(sorted(unknown))}")

    def format(self, **values: Any) -> str:
        """Fill the template; every variable it names must be given."""
        missing = self.fields - set(values)
        if missing:
            raise PromptError(f"prompt '{self.name}' is missing variable(s): {', '.join(sorted(missing))}")
        return self.text.format(**{k: v for k, v in values.items() if k in self.fields})


@cache
def load(name: str, lang: str) -> Prompt:
    """Load `prompts/{name}.{lang}.md` (section guidance: `sections/{key}`)."""
    base = name.split("/")[0]
    allowed = VARIABLES.get(base, frozenset())
    path = prompts_dir() / f"{name}.{lang}.md"
    if not path.is_file():
        raise PromptError(f"prompt file not found: {path}")
    return Prompt(name, path.read_text(encoding="utf-8").strip() + "\n", allowed)


# A tag that a reader could take for a delimiter: <data>, </data>, <DATA >, < / data>, <data x="1"> …
DELIMITER_LIKE = re.compile(r"<(?=\s*/?\s*data\b)", re.IGNORECASE)


def data_block(payload: dict[str, Any]) -> str:
    """Facts and task data as delimited JSON (never as instructions).

    No tag of any spelling can appear inside the data: every `<` and `>` in it is written as JSON's `\\u003c` /
    `\\u003e` escape, which decodes back to the same text.
    """
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def prompt_text(text: str) -> str:
    """Text from facts, findings or a model that a prompt shows outside a data block (company, period, critique).

    It is one line, and a `<` that would open a delimiter-like tag is written as the full-width `＜`, so the text
    can neither close the data block nor open another one.
    """
    return DELIMITER_LIKE.sub("＜", " ".join(text.split()))


def extract_data(text: str) -> dict[str, Any] | None:
    """The JSON payload between the last `<data>` … `</data>` in a rendered prompt (for stub servers in tests)."""
    start = text.rfind(DATA_OPEN)
    end = text.rfind(DATA_CLOSE)
    if start < 0 or end < start:
        return None
    try:
        value = json.loads(text[start + len(DATA_OPEN):end])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class ChatPrompt:
    """Prompt files filled with variables: rendered to messages, or loaded as a LangChain ChatPromptTemplate.

    `payload` is the typed task data the variables were rendered from; models that need no text read it directly.
    """

    parts: tuple[tuple[Literal["system", "human"], str], ...]  # (role, prompt file name), in order
    lang: str
    variables: dict[str, str]
    payload: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def _rendered(self) -> tuple[Message, ...]:
        return tuple(Message(role, load(name, self.lang).format(**self.variables)) for role, name in self.parts)

    def messages(self) -> list[Message]:
        """The rendered messages."""
        return list(self._rendered)

    @cached_property
    def version(self) -> str:
        """Digest of the prompt files used (not of the data): part of every cassette key."""
        texts = "\x00".join(f"{role}:{name}:{load(name, self.lang).text}" for role, name in self.parts)
        return hashlib.sha256(texts.encode()).hexdigest()[:16]

    def template(self) -> Any:
        """The same prompt as a LangChain `ChatPromptTemplate`, with a placeholder for re-ask messages."""
        from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

        messages: list[Any] = [(role, load(name, self.lang).text) for role, name in self.parts]
        return ChatPromptTemplate.from_messages([*messages, MessagesPlaceholder("extra", optional=True)])


def shared_prefix_share(prompts: list[ChatPrompt]) -> float:
    """Length of the prefix every prompt shares ÷ the mean prompt length (what a provider's prefix cache reuses)."""
    texts = ["\n".join(m.content for m in p.messages()) for p in prompts]
    if not texts:
        return 0.0
    first, n = texts[0], 0
    while n < len(first) and all(len(t) > n and t[n] == first[n] for t in texts):
        n += 1
    return n / (sum(len(t) for t in texts) / len(texts))

"""The model registry: one place that turns a model name into a Model; plugins add kinds via an entry point.

Built in: `offline` (the default), `mock` and `mock:<recorded model>` (replay cassettes, falling back to the offline
drafter), `replay:<recorded model>` (replay only: a miss is an error), `test` (the offline drafter behind the fake's
call history) and `openai:<name>`. A third-party package registers `name = "module:factory"` in the
`drafter.models` entry-point group; the factory takes the ModelSettings and returns a Model.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points

from drafter.errors import InputError
from drafter.llm.protocol import Model
from drafter.settings import ENTRY_POINT_GROUP, ModelSettings

Factory = Callable[[ModelSettings], Model]
_FACTORIES: dict[str, Factory] = {}
_OVERRIDE: list[Model] = []


@contextmanager
def override(model: Model) -> Iterator[Model]:
    """Within the block, every model drafter asks for is `model` (for tests and scripted runs of the CLI)."""
    _OVERRIDE.append(model)
    try:
        yield model
    finally:
        _OVERRIDE.remove(model)


def register(kind: str) -> Callable[[Factory], Factory]:
    """Register a factory for model names `kind` or `kind:<rest>`."""
    def add(factory: Factory) -> Factory:
        _FACTORIES[kind] = factory
        return factory
    return add


@register("offline")
def _offline(settings: ModelSettings) -> Model:
    from drafter.llm.offline import OfflineModel

    return OfflineModel()


@register("test")
def _test(settings: ModelSettings) -> Model:
    from drafter.llm.fakes import TestModel

    return TestModel()


def _replay(settings: ModelSettings, strict: bool) -> Model:
    from drafter.llm.cassettes import CassetteStore, recordings_dir
    from drafter.llm.fakes import ReplayModel

    recorded = settings.name.partition(":")[2] or "mock"
    latency = float(os.environ.get("DRAFTER_MOCK_LATENCY") or 0)
    return ReplayModel(CassetteStore(recordings_dir()), replay_as=recorded, strict=strict, latency=latency,
                       name=settings.name)


register("mock")(lambda settings: _replay(settings, strict=False))
register("replay")(lambda settings: _replay(settings, strict=True))


@register("openai")
def _openai(settings: ModelSettings) -> Model:
    from drafter.llm.openai import OpenAIModel

    return OpenAIModel(settings)


def kinds() -> list[str]:
    """Every model kind: built-in and from installed plugins."""
    return sorted({*_FACTORIES, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))})


def get_model(settings: ModelSettings) -> Model:
    """The model `settings.name` names; secrets are read here, when used, and never stored."""
    if _OVERRIDE:
        return _OVERRIDE[-1]
    kind = settings.kind
    factory = _FACTORIES.get(kind)
    if factory is None:
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == kind]
        if not found:
            raise InputError(f"unknown model kind '{kind}': use one of {', '.join(kinds())}.")
        factory = found[0].load()
    model = factory(settings)
    if not isinstance(model, Model):
        raise InputError(f"the '{kind}' model factory returned {type(model).__name__}, which is not a drafter Model.")
    return model


async def close_model(model: Model) -> None:
    """Release what a model holds (a real model's HTTP connections); models that hold nothing have no `aclose`."""
    aclose = getattr(model, "aclose", None)
    if aclose is not None:
        await aclose()

"""Models shipped for tests, evals and benchmarks: FunctionModel, TestModel and the cassette-replaying model.

None of them touches the network or imports LangChain. Each goes through the same structured loop as a real model.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from drafter.errors import ModelError
from drafter.llm.cassettes import CassetteStore, cassette_key
from drafter.llm.offline import OfflineModel
from drafter.llm.protocol import API_MODES, NATIVE, ModelRequest, ModelResponse, estimated_usage

Answer = BaseModel | dict[str, Any] | str | ModelResponse
ReplyFunction = Callable[[ModelRequest, "CallInfo"], Answer | Awaitable[Answer]]


@dataclass
class CallInfo:
    """What a reply function knows besides the request: the call's number and the model's earlier requests."""

    n: int  # 0-based count of calls this model has answered
    history: list[ModelRequest]


def to_response(answer: Answer, request: ModelRequest, model: str) -> ModelResponse:
    """A reply function's answer as a ModelResponse: an object, its dict, JSON text, or a full response."""
    if isinstance(answer, ModelResponse):
        return answer
    if isinstance(answer, str):
        error: str | None
        try:
            parsed: Any = json.loads(answer)
        except json.JSONDecodeError as exc:
            parsed, error = None, f"not JSON: {exc}"
        else:
            error = None if isinstance(parsed, dict) else "not a JSON object"
        return ModelResponse(parsed if error is None else None, answer, estimated_usage(request, answer), "stop",
                             parsing_error=error, provenance={"model": model})
    data = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
    text = json.dumps(data, ensure_ascii=False)
    return ModelResponse(data, text, estimated_usage(request, text), "stop", provenance={"model": model})


class FunctionModel:
    """A model whose answers come from a function you write (`fn(request, info) -> object | dict | str`)."""

    estimated_usage = True

    def __init__(self, fn: ReplyFunction, name: str = "function", modes: tuple[str, ...] = (NATIVE,),
                 latency: float = 0.0) -> None:
        self.fn = fn
        self.name = name
        self.modes = modes
        self.latency = latency
        self.history: list[ModelRequest] = []

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """Call the function; record the request in `history`."""
        info = CallInfo(len(self.history), list(self.history))
        self.history.append(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        answer = self.fn(request, info)
        if inspect.isawaitable(answer):
            answer = await answer
        return to_response(answer, request, self.name)


class TestModel(FunctionModel):
    """Answers from a queue (`enqueue`), else as the offline drafter; every request is kept in `history`."""

    __test__ = False  # not a pytest class

    def __init__(self, name: str = "test", modes: tuple[str, ...] = API_MODES, latency: float = 0.0) -> None:
        super().__init__(self._next, name, modes, latency)
        self.queue: list[Answer | BaseException] = []
        self._offline = OfflineModel()

    def enqueue(self, *answers: Answer | BaseException) -> TestModel:
        """Answers (or exceptions to raise) for the next calls, in order."""
        self.queue.extend(answers)
        return self

    async def _next(self, request: ModelRequest, info: CallInfo) -> Answer:
        if self.queue:
            answer = self.queue.pop(0)
            if isinstance(answer, BaseException):
                raise answer
            return answer
        return await self._offline.respond(request)


def _schema_problem(request: ModelRequest, response: Any) -> str | None:
    """Why a recorded answer does not validate against the request's schema (None: it does)."""
    from pydantic import ValidationError

    try:
        request.schema.model_validate(response)
    except ValidationError as exc:
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'answer'}: {first['msg']}"
    return None


@dataclass
class ReplayModel:
    """Answers from recorded cassettes; a miss falls back to the offline drafter, or fails when `strict`."""

    store: CassetteStore
    replay_as: str = "mock"  # the model name the cassettes were recorded under
    strict: bool = False
    latency: float = 0.0
    name: str = "mock"
    modes: tuple[str, ...] = API_MODES
    estimated_usage: bool = True
    hits: int = 0
    misses: int = 0
    invalid: list[str] = field(default_factory=list)

    async def respond(self, request: ModelRequest) -> ModelResponse:
        """The recorded answer for this request, else the offline drafter's (or an error under strict replay)."""
        if self.latency:
            await asyncio.sleep(self.latency)
        key = cassette_key(self.replay_as, None, request)
        try:
            cassette = self.store.get(key)
        except ValueError as exc:
            self.invalid.append(str(exc))
            cassette = None
        if cassette is not None and cassette.schema == request.schema.__name__:
            problem = _schema_problem(request, cassette.response)
            if problem is not None:  # a recording the schema rejects is a miss, said once, never answered
                self.invalid.append(f"{self.store.path(key)}: does not match {request.schema.__name__} ({problem})")
                cassette = None
        if cassette is not None and cassette.schema == request.schema.__name__:
            self.hits += 1
            text = json.dumps(cassette.response, ensure_ascii=False)
            usage = estimated_usage(request, text)
            return ModelResponse(cassette.response, text, usage, "stop",
                                 provenance={"model": cassette.model, "replayed": key, **(cassette.provenance or {})})
        self.misses += 1
        if self.strict:
            raise ModelError(f"no cassette for this request (key {key}) and strict replay is on")
        return await OfflineModel().respond(request)

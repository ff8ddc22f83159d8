"""Test settings: real network requests are forbidden; the environment cannot leak a real key or model."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to reach the network."""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def guard(*args: Any, **kwargs: Any) -> None:
        raise NetworkBlocked(f"tests must not reach the network (attempted {args[1:] or kwargs})")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)
    monkeypatch.setattr(socket, "create_connection", guard)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_MODEL", "DRAFTER_MOCK_LATENCY", "DRAFTER_CONCURRENCY",
                 "DRAFTER_MAX_ROUNDS", "DRAFTER_LANGUAGE", "DRAFTER_RECORDINGS", "DRAFTER_CACHE_DIR", "EDITOR",
                 "DRAFTER_AUTHOR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("DRAFTER_UI_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):  # the interface language: English
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def coffee() -> Path:
    """The richest bundled example."""
    return EXAMPLES / "coffee.yaml"

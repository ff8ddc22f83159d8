"""The message catalog: every code has zh and en text with the same values, shipped inside the package."""

from __future__ import annotations

from importlib import resources

import pytest

from drafter.messages import LANGUAGES, MessageError, catalog, codes, fields, message


def test_every_code_has_both_languages_and_the_same_values() -> None:
    assert codes(), "the catalog is not empty"
    for code, entry in catalog().items():
        assert set(entry) == set(LANGUAGES), f"{code}: needs exactly {LANGUAGES}, has {sorted(entry)}"
        assert all(text.strip() for text in entry.values()), f"{code}: empty text"
        assert fields(code, "zh") == fields(code, "en"), f"{code}: zh and en need different values"


def test_catalog_is_package_data() -> None:
    assert (resources.files("drafter") / "locale" / "messages.toml").is_file()


def test_message_fills_values_and_falls_back_to_zh() -> None:
    assert message("coverage.fact-unused", "en", fact_id="F3") == "fact F3 is not used anywhere"
    assert message("coverage.fact-unused", "zh", fact_id="F3") == "事实 F3 在概述中没有用到"
    assert message("coverage.fact-unused", "fr", fact_id="F3") == message("coverage.fact-unused", "zh", fact_id="F3")


def test_unknown_code_and_missing_value_are_clear_errors() -> None:
    with pytest.raises(MessageError, match="no message 'coverage.nope'"):
        message("coverage.nope", "zh")
    with pytest.raises(MessageError, match="needs fact_id"):
        message("coverage.fact-unused", "en")

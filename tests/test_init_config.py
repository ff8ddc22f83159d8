"""`drafter init` (facts template round trip) and `drafter config` (settings precedence, masked key)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from typer.testing import CliRunner

from drafter import pipeline
from drafter.cli.app import app
from drafter.cli.export import facts_schema_path, mask_secret, redact_url
from drafter.critic.document import PLACEHOLDER_RE
from drafter.draft import store
from drafter.facts.load import load_facts
from drafter.facts.model import FactsFile
from drafter.settings import DEFAULTS

runner = CliRunner()
SCHEMA_LINE = "# yaml-language-server: $schema="


def said(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


# --- init ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_template_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "--lang", lang])
    assert result.exit_code == 0, result.output
    path = tmp_path / "facts.yaml"
    text = path.read_text("utf-8")
    assert set(yaml.safe_load(text)) == set(FactsFile.model_fields)  # every key of the facts file
    facts = load_facts(path)
    assert facts.language == lang
    out = tmp_path / "out"
    written = runner.invoke(app, ["write", str(path), "-o", str(out), "--json"])
    assert written.exit_code == 0, written.output
    overview = store.load(out)
    assert overview.language == lang
    assert [s.key for s in overview.sections] == ["goals", "processes", "team", "data", "improvement", "summary"]
    assert all(s.state == "ok" for s in overview.sections)
    assert PLACEHOLDER_RE.search((out / "overview.md").read_text("utf-8"))  # an empty template asks, never invents


def test_init_first_line_points_at_the_facts_schema(tmp_path: Path) -> None:
    path = tmp_path / "mine.yml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    first = path.read_text("utf-8").splitlines()[0]
    assert first.startswith(SCHEMA_LINE)
    uri = first.removeprefix(SCHEMA_LINE)
    parts = urlsplit(uri)
    assert parts.scheme == "file"
    schema = Path(unquote(parts.path))
    assert schema.is_absolute() and schema == facts_schema_path().resolve()
    assert json.loads(schema.read_text("utf-8"))["title"] == "drafter facts file"


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("company: mine\n", encoding="utf-8")
    refused = runner.invoke(app, ["init", str(path)])
    assert refused.exit_code == 2
    assert "already exists" in said(refused.stderr)
    assert path.read_text("utf-8") == "company: mine\n"
    assert runner.invoke(app, ["init", str(path), "--force", "--lang", "en"]).exit_code == 0
    assert load_facts(path).language == "en"


@pytest.mark.parametrize("args, message", [(["x.json"], "is YAML"), (["--lang", "fr"], "unknown language 'fr'")])
def test_init_bad_input_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", *args])
    assert result.exit_code == 2
    assert message in said(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_init_language_defaults_to_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFTER_LANGUAGE", "en")
    path = tmp_path / "facts.yaml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    assert load_facts(path).language == "en"


def test_templates_are_package_data() -> None:
    folder = resources.files("drafter") / "templates"
    assert (folder / "facts.zh.yaml").is_file() and (folder / "facts.en.yaml").is_file()


# --- config -------------------------------------------------------------------------------------------------------


def config_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["config", "--json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_config_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = config_json()
    assert data["settings"]["model"] == {"value": "offline", "source": "default", "origin": None}
    assert data["settings"]["max_rounds"]["value"] == 2
    assert data["config_file"] is None
    assert data["openai_api_key"] == {"set": False, "value": "not set", "source": None, "origin": None}


def test_config_precedence_option_env_file_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafter.toml").write_text('model = "mock"\nmax_rounds = 0\nconcurrency = 3\n', encoding="utf-8")
    data = config_json()
    assert data["config_file"] == str(tmp_path / "drafter.toml")
    rows = data["settings"]
    assert rows["model"] == {"value": "mock", "source": "config", "origin": str(tmp_path / "drafter.toml")}
    assert (rows["max_rounds"]["value"], rows["max_rounds"]["source"]) == (0, "config")
    assert (rows["timeout"]["value"], rows["timeout"]["source"]) == (120.0, "default")

    monkeypatch.setenv("DRAFTER_MAX_ROUNDS", "4")
    monkeypatch.setenv("DRAFTER_CONCURRENCY", "5")
    rows = config_json()["settings"]
    assert rows["max_rounds"] == {"value": 4, "source": "env", "origin": "DRAFTER_MAX_ROUNDS"}
    assert (rows["concurrency"]["value"], rows["concurrency"]["source"]) == (5, "env")
    assert rows["model"]["source"] == "config"

    rows = config_json("--max-rounds", "1", "--model", "offline")["settings"]
    assert rows["max_rounds"] == {"value": 1, "source": "option", "origin": None}
    assert rows["model"] == {"value": "offline", "source": "option", "origin": None}
    assert (rows["concurrency"]["value"], rows["concurrency"]["source"]) == (5, "env")


def test_config_user_file_when_no_local_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "drafter").mkdir(parents=True)
    (xdg / "drafter" / "config.toml").write_text('model = "mock"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    monkeypatch.chdir(tmp_path)
    data = config_json()
    assert data["settings"]["model"]["source"] == "config"
    assert data["config_file"] == str(xdg / "drafter" / "config.toml")
    (tmp_path / "drafter.toml").write_text('model = "offline"\n', encoding="utf-8")
    assert config_json()["settings"]["model"]["origin"] == str(tmp_path / "drafter.toml")


def test_config_masks_the_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    secret = "sk-proj-0123456789abcdefWXYZ"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    data = config_json()
    assert data["openai_api_key"] == {"set": True, "value": "sk-…WXYZ", "source": "env", "origin": "OPENAI_API_KEY"}
    table = runner.invoke(app, ["config"])
    assert table.exit_code == 0
    assert "sk-…WXYZ" in table.output
    for output in (table.output, json.dumps(data)):
        assert secret not in output and "0123456789" not in output


def test_config_bad_file_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafter.toml").write_text('modle = "mock"\n', encoding="utf-8")
    result = runner.invoke(app, ["config", "--json"])
    assert result.exit_code == 2
    assert "unknown setting(s) modle" in said(result.stderr)


def test_mask_and_redact_helpers() -> None:
    assert mask_secret(None) == "not set"
    assert mask_secret("") == "not set"
    assert mask_secret("short") == "set (hidden)"
    assert mask_secret("abcdefghijklmnop") == "…mnop"
    assert redact_url("https://user:pw@llm.example.com/v1?key=s3cret") == "https://***@llm.example.com/v1?…"
    assert redact_url("http://localhost:11434/v1") == "http://localhost:11434/v1"
    assert redact_url(None) is None


# --- write reads the same settings ----------------------------------------------------------------------------------


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Spy on the library call `drafter write` makes, passing through to the real pipeline."""
    seen: dict[str, Any] = {}
    real = pipeline.write_overview

    def spy(facts: Any, settings: Any, options: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen["model"], seen["max_rounds"], seen["concurrency"] = settings.name, options.max_rounds, options.concurrency
        return real(facts, settings, options, *args, **kwargs)

    monkeypatch.setattr(pipeline, "write_overview", spy)
    return seen


def test_write_reads_model_and_rounds_from_drafter_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coffee: Path, captured: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafter.toml").write_text('model = "mock"\nmax_rounds = 0\n', encoding="utf-8")
    result = runner.invoke(app, ["write", str(coffee), "-o", "a", "--json"])
    assert result.exit_code == 0, result.output
    assert (captured["model"], captured["max_rounds"], captured["concurrency"]) == ("mock", 0, DEFAULTS["concurrency"])
    assert store.load(tmp_path / "a").model == "mock"

    monkeypatch.setenv("DRAFTER_MAX_ROUNDS", "3")
    assert runner.invoke(app, ["write", str(coffee), "-o", "b", "--json"]).exit_code == 0
    assert (captured["model"], captured["max_rounds"]) == ("mock", 3)

    result = runner.invoke(app, ["write", str(coffee), "-o", "c", "--json", "--max-rounds", "1", "-m", "offline"])
    assert result.exit_code == 0, result.output
    assert (captured["model"], captured["max_rounds"]) == ("offline", 1)
    assert store.load(tmp_path / "c").model == "offline"


def test_documents_the_examples_and_templates_point_at_exist() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in readme.splitlines() if line.startswith("#")}
    files = sorted((root / "examples").glob("*.y*ml")) + sorted((root / "drafter" / "templates").glob("*.y*ml"))
    pointers = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            for doc, zh_heading, en_heading in re.findall(r"([\w./-]+\.md)(?:\s*的\s*“([^”]+)”|'s \"([^\"]+)\")?",
                                                          line):
                pointers += 1
                heading = zh_heading or en_heading
                assert (root / doc).is_file(), f"{path.name}: {doc} does not exist"
                if heading:
                    assert heading in headings, f"{path.name}: {doc} has no section “{heading}”"
    assert pointers, "the examples point at the README for the section keys"
    for key in ("goals", "processes", "team", "data", "resources", "risks", "customers", "technology",
                "performance", "improvement", "summary"):
        assert f"(`{key}`)" in readme, f"README lists no section key {key}"

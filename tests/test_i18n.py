"""The interface language: zh and en through the CLI, section names on the command line, and the catalogs."""

from __future__ import annotations

import gettext
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter import i18n
from drafter.cli.app import app
from drafter.cli.section_arg import resolve_section
from drafter.draft import store
from drafter.errors import InputError

from .conftest import ROOT

runner = CliRunner()
HAN = re.compile(r"[\u4e00-\u9fff]")
PO = ROOT / "drafter" / "locale" / "zh" / "LC_MESSAGES" / "drafter.po"
MO = PO.with_suffix(".mo")
BABEL = importlib.util.find_spec("babel") is not None
needs_babel = pytest.mark.skipif(not BABEL, reason="Babel (a test dependency) is not installed")


def zh_env() -> dict[str, str]:
    return {"DRAFTER_UI_LANG": "zh"}


@pytest.fixture(scope="module")
def draft_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("i18n") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DRAFTER_UI_LANG", raising=False)
        result = runner.invoke(app, ["write", str(ROOT / "examples" / "coffee.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


# --- choosing the language --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "env", "expected"), [
    ([], {}, "en"),
    ([], {"LANG": "C.UTF-8"}, "en"),
    ([], {"LANG": "zh_CN.UTF-8"}, "zh"),
    ([], {"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ([], {"LC_MESSAGES": "zh_TW", "LANG": "en_US"}, "zh"),
    ([], {"DRAFTER_UI_LANG": "zh", "LANG": "en_US"}, "zh"),
    ([], {"DRAFTER_UI_LANG": "fr", "LANG": "zh_CN"}, "zh"),
    (["--ui-lang", "en"], {"DRAFTER_UI_LANG": "zh"}, "en"),
    (["write", "x", "--ui-lang=zh"], {}, "zh"),
    (["write", "--", "--ui-lang", "zh"], {}, "en"),
])
def test_language_is_the_option_then_the_variable_then_the_locale(argv: list[str], env: dict[str, str],
                                                                   expected: str) -> None:
    assert i18n.detect(argv, env) == expected


def test_the_language_switches_between_invocations_in_one_process() -> None:
    zh = runner.invoke(app, ["--help"], env=zh_env())
    en = runner.invoke(app, ["--help"])
    again = runner.invoke(app, ["--ui-lang", "zh", "--help"])
    assert "根据事实文件起草" in zh.output and "根据事实文件起草" in again.output
    assert "Draft, check and revise" in en.output and not HAN.search(en.output.replace("运营工作概述", ""))
    assert i18n.language() == "en"  # nothing leaks out of an invocation


def test_an_unknown_ui_language_is_a_usage_error() -> None:
    result = runner.invoke(app, ["--ui-lang", "fr", "sections"])
    assert result.exit_code == 2 and "zh or en" in result.output


# --- help, errors, progress, summary, verdict, tables ----------------------------------------------------------


@pytest.mark.parametrize("command", ["write", "check", "revise", "history", "config", "eval"])
def test_command_help_in_both_languages(command: str) -> None:
    zh = runner.invoke(app, [command, "--help"], env=zh_env())
    en = runner.invoke(app, [command, "--help"])
    assert zh.exit_code == en.exit_code == 0
    en_text = en.output.replace("运营目标", "").replace("运营工作概述", "")
    assert not HAN.search(en_text), en_text
    assert len(HAN.findall(zh.output)) > 10, zh.output


def test_write_help_options_are_translated() -> None:
    zh = runner.invoke(app, ["write", "--help", "--ui-lang", "zh"]).output
    assert "覆盖已有草稿" in zh and "同时生成 overview.docx" in zh and "--force" in zh
    assert "Overwrite an existing draft." in runner.invoke(app, ["write", "--help"]).output


def test_missing_facts_file_is_exit_2_in_the_ui_language(tmp_path: Path) -> None:
    zh = runner.invoke(app, ["write", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "o")], env=zh_env())
    en = runner.invoke(app, ["write", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "o"), "--ui-lang", "en"],
                       env=zh_env())
    assert zh.exit_code == en.exit_code == 2
    assert "错误：" in zh.output and "文件不存在" in zh.output and "drafter init" in zh.output
    assert "error:" in en.output and "no such file" in en.output and not HAN.search(en.output)


def test_a_store_error_is_translated(tmp_path: Path) -> None:
    zh = runner.invoke(app, ["revise", str(tmp_path), "goals", "--yes"], env=zh_env())
    en = runner.invoke(app, ["revise", str(tmp_path), "goals", "--yes"])
    assert zh.exit_code == en.exit_code == 2
    assert "这里没有 overview.json" in zh.output
    assert "no overview.json here" in en.output


def test_write_progress_and_summary_in_both_languages(tmp_path: Path) -> None:
    facts = str(ROOT / "examples" / "coffee.yaml")
    zh = runner.invoke(app, ["write", facts, "-o", str(tmp_path / "zh")], env=zh_env())
    en = runner.invoke(app, ["write", facts, "-o", str(tmp_path / "en")])
    assert zh.exit_code == en.exit_code == 0
    assert "模型：offline（确定性输出，不联网）" in zh.output
    assert "已写入" in zh.output and "章节 " in zh.output and "模型调用" in zh.output and "评审：经过" in zh.output
    assert "model: offline (deterministic, no network)" in en.output
    assert "wrote " in en.output and "model calls" in en.output and "critic: " in en.output
    assert "已写入" not in en.output and "wrote " not in zh.output


def test_check_verdict_and_table_headers(draft_dir: Path) -> None:
    zh = runner.invoke(app, ["check", str(draft_dir), "--facts", str(ROOT / "examples" / "coffee.yaml")],
                       env=zh_env())
    en = runner.invoke(app, ["check", str(draft_dir), "--facts", str(ROOT / "examples" / "coffee.yaml")])
    assert zh.exit_code == en.exit_code
    assert re.search(r"\d+ 个错误，\d+ 个警告", zh.output), zh.output
    assert re.search(r"\d+ errors?, \d+ warnings?", en.output), en.output
    assert "存在" in zh.output and "目标（S M A R T）" in zh.output
    assert "present" in en.output and "Goals (S M A R T)" in en.output


def test_sections_and_config_tables(tmp_path: Path) -> None:
    zh = runner.invoke(app, ["sections"], env=zh_env()).output
    en = runner.invoke(app, ["sections"]).output
    assert "章节目录" in zh and "键名" in zh and "必选" in zh and "goals" in zh
    assert "Section catalog" in en and "required" in en
    zh = runner.invoke(app, ["config"], env=zh_env()).output
    en = runner.invoke(app, ["config"]).output
    assert "当前生效的设置" in zh and "默认值" in zh and "未设置" in zh and "配置文件：" in zh
    assert "Effective settings" in en and "not set" in en and "config file:" in en


def test_history_headers(draft_dir: Path) -> None:
    zh = runner.invoke(app, ["history", str(draft_dir), "运营目标"], env=zh_env())
    en = runner.invoke(app, ["history", str(draft_dir), "Goals"])
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    assert "时间" in zh.output and "修改要求" in zh.output
    assert "time" in en.output and "instruction" in en.output


def test_revise_with_yes_in_both_languages(tmp_path: Path, draft_dir: Path) -> None:
    import shutil

    for lang in ("zh", "en"):
        directory = tmp_path / lang
        shutil.copytree(draft_dir, directory)
        result = runner.invoke(app, ["--ui-lang", lang, "revise", str(directory), "一、运营目标", "--yes",
                                     "--model", "offline", "-i", "写得更具体"])
        assert result.exit_code == 0, result.output
        if lang == "zh":
            assert "评审：" in result.output and "模型调用" in result.output, result.output
        else:
            assert "critic: " in result.output and "model calls" in result.output, result.output


def test_interactive_picker_accepts_a_chinese_title(draft_dir: Path, tmp_path: Path) -> None:
    import shutil

    directory = tmp_path / "d"
    shutil.copytree(draft_dir, directory)
    # the picker: 运营目标 → instruction → decision (reject), then a typo, then quit
    result = runner.invoke(app, ["revise", str(directory), "--model", "offline"], env=zh_env(),
                           input="运营目标\n\nr\n运营木标\nq\n")
    assert result.exit_code == 0, result.output
    assert "章节（序号、键名或标题；q 退出）" in result.output and "状态" in result.output
    assert "您要找的是不是“goals”" in result.output
    assert "此草稿中没有章节“运营目标”" not in result.output


# --- section arguments ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["goals", "GOALS", " goals ", "运营目标", "一、运营目标", "Operating goals",
                                  "operating GOALS", "1. Operating goals", "1"])
def test_a_section_is_named_by_key_title_or_number(draft_dir: Path, name: str) -> None:
    assert resolve_section(store.load(draft_dir), name) == "goals"


def test_a_typo_gets_a_did_you_mean_in_the_ui_language(draft_dir: Path) -> None:
    overview = store.load(draft_dir)
    with i18n.using("en"), pytest.raises(InputError, match="did you mean 'risks'"):
        resolve_section(overview, "risk")
    with i18n.using("zh"), pytest.raises(InputError, match="您要找的是不是“data”"):
        resolve_section(overview, "数据分折")
    with pytest.raises(InputError) as info:
        resolve_section(overview, "zzzz")
    assert "did you mean" not in str(info.value) and "goals (运营目标)" in str(info.value)


@pytest.mark.parametrize("command", ["history", "undo", "edit", "revise"])
def test_an_unknown_section_exits_2_with_a_suggestion(draft_dir: Path, command: str) -> None:
    extra = ["--yes"] if command == "revise" else []
    zh = runner.invoke(app, [command, str(draft_dir), "团队写作", *extra], env=zh_env())
    en = runner.invoke(app, [command, str(draft_dir), "teem", *extra])
    assert zh.exit_code == en.exit_code == 2, zh.output + en.output
    assert "您要找的是不是“team”" in zh.output
    assert "did you mean 'team'" in en.output


def test_undo_by_english_title(draft_dir: Path, tmp_path: Path) -> None:
    import shutil

    directory = tmp_path / "d"
    shutil.copytree(draft_dir, directory)
    result = runner.invoke(app, ["undo", str(directory), "Operating Goals"], env=zh_env())
    assert result.exit_code == 2 and "章节“goals”没有可恢复的更早版本" in result.output


# --- the catalogs -----------------------------------------------------------------------------------------------


def _po_messages() -> dict[object, object]:
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id}


@needs_babel
def test_every_message_is_translated() -> None:
    messages = _po_messages()
    assert len(messages) > 150
    empty = [mid for mid, text in messages.items()
             if not (all(text) if isinstance(text, tuple) else text)]
    assert not empty
    # a translation keeps the placeholders of its source
    for mid, text in messages.items():
        source = mid[0] if isinstance(mid, tuple) else mid
        target = text[0] if isinstance(text, tuple) else text
        assert set(re.findall(r"{\w+}", str(source))) == set(re.findall(r"{\w+}", str(target))), (mid, text)


@needs_babel
def test_the_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    fresh = tmp_path / "drafter.mo"
    with fresh.open("wb") as handle:
        write_mo(handle, catalog)
    with MO.open("rb") as a, fresh.open("rb") as b:
        shipped, compiled = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert shipped._catalog == compiled._catalog, "drafter.mo is stale: run pybabel compile (README, Translations)"


@needs_babel
def test_extraction_finds_no_message_missing_from_the_po() -> None:
    # The extraction parses every module with ast; it runs in a fresh interpreter because CPython 3.11.7 can leave
    # its AST recursion counter off after an error in an earlier conversion in the same process ("AST constructor
    # recursion depth mismatch"), which says nothing about the catalog.
    code = ("import json, sys\n"
            "from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir\n"
            "found = [m for _f, _l, m, _c, _x in extract_from_dir(sys.argv[1], [('drafter/**.py', "
            "'drafter.i18n:extract')], keywords=DEFAULT_KEYWORDS)]\n"
            "print(json.dumps(found))\n")
    result = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True)
    found = {tuple(m) if isinstance(m, list) else m for m in json.loads(result.stdout)}
    po = set(_po_messages())
    assert found - po == set(), "new messages: run pybabel extract/update and translate them (README, Translations)"
    assert po - found == set(), "obsolete messages in drafter.po: run pybabel update"


@needs_babel
def test_the_extractor_reads_help_texts_and_command_docstrings() -> None:
    source = b'''
import typer
def cmd(x: Annotated[int, typer.Option("--x", help="Some help.")] = 1) -> None:
    """The command."""
def plain() -> None:
    """Not a command."""
app.command()(cmd)
print(_("Shown {n}").format(n=1), ngettext("{n} one", "{n} many", 2), N_("Marked"))
'''
    found = [m for _l, _f, m, _c in i18n.extract(io.BytesIO(source), {"_": None, "ngettext": (1, 2), "N_": None},
                                                 [], {})]
    assert {"Some help.", "The command.", "Shown {n}", "Marked"} <= set(found)
    assert any(isinstance(m, tuple) and m[:2] == ("{n} one", "{n} many") for m in found)
    assert "Not a command." not in found


def test_the_installed_package_finds_the_chinese_catalog() -> None:
    code = ("import gettext, drafter.i18n as i; t = i.translations('zh'); "
            "print(isinstance(t, gettext.GNUTranslations), t.gettext('Sections'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert result.stdout.split() == ["True", "章节"]
    assert MO.is_file()

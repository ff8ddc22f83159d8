"""Revising one section: non-interactive and interactive paths, reject, undo, edit, locking, interruption."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drafter import revise
from drafter.cli.app import app
from drafter.draft import store
from drafter.llm.fakes import CallInfo, FunctionModel
from drafter.llm.offline import OfflineModel
from drafter.llm.protocol import ModelRequest
from drafter.llm.registry import override

runner = CliRunner()


class Rewriter(FunctionModel):
    """A model that marks each revision in the lead paragraph (offline drafter underneath)."""

    def __init__(self) -> None:
        super().__init__(self._rewrite, name="rewriter")
        self.counter = itertools.count()
        self.offline = OfflineModel()

    async def _rewrite(self, request: ModelRequest, info: CallInfo) -> dict[str, Any]:
        args = dict((await self.offline.respond(request)).parsed or {})
        if "paragraphs" in args:
            n = next(self.counter)
            mark = f"（第{'一二三四五六七八九'[n % 9]}次修订）"
            first = args["paragraphs"][0]
            if first.get("statements"):  # a paragraph's text follows from its statements
                first["statements"][-1]["text"] += mark
            else:
                first["text"] += mark
        return args


@pytest.fixture
def draft(coffee: Path, tmp_path: Path) -> Path:
    out = tmp_path / "draft"
    assert runner.invoke(app, ["write", str(coffee), "-o", str(out)]).exit_code == 0
    return out


@pytest.fixture
def rewriter() -> Iterator[Rewriter]:
    with override(Rewriter()) as model:
        yield model


def sections_json(directory: Path) -> dict[str, Any]:
    data = json.loads((directory / "overview.json").read_text(encoding="utf-8"))
    return {s["key"]: s["history"][s["current"] - 1]["content"] for s in data["sections"]}


def test_revise_yes_changes_only_that_section(draft: Path, rewriter: Rewriter) -> None:
    before = sections_json(draft)
    result = runner.invoke(app, ["revise", str(draft), "team", "-i", "更简洁", "--yes"])
    assert result.exit_code == 0, result.output
    assert "第一次修订" in result.output and "+" in result.output  # the diff is shown
    after = sections_json(draft)
    assert after["team"] != before["team"]
    assert {k: v for k, v in after.items() if k != "team"} == {k: v for k, v in before.items() if k != "team"}
    assert "第一次修订" in (draft / "overview.md").read_text(encoding="utf-8")
    hist = runner.invoke(app, ["history", str(draft), "team"])
    assert "更简洁" in hist.output and "revise" in hist.output


def test_reject_leaves_the_draft_byte_for_byte(draft: Path, rewriter: Rewriter) -> None:
    md, js = (draft / "overview.md").read_bytes(), (draft / "overview.json").read_bytes()
    result = runner.invoke(app, ["revise", str(draft), "data", "-i", "加一句"], input="r\n")
    assert result.exit_code == 0 and "rejected" in result.output
    assert (draft / "overview.md").read_bytes() == md and (draft / "overview.json").read_bytes() == js


def test_undo_after_several_revisions_restores_bytes(draft: Path, rewriter: Rewriter) -> None:
    md0 = (draft / "overview.md").read_bytes()
    assert runner.invoke(app, ["revise", str(draft), "processes", "--yes"]).exit_code == 0
    md1 = (draft / "overview.md").read_bytes()
    assert runner.invoke(app, ["revise", str(draft), "processes", "--yes"]).exit_code == 0
    md2 = (draft / "overview.md").read_bytes()
    assert len({md0, md1, md2}) == 3
    assert runner.invoke(app, ["undo", str(draft), "processes"]).exit_code == 0
    assert (draft / "overview.md").read_bytes() == md1
    assert runner.invoke(app, ["undo", str(draft), "processes"]).exit_code == 0
    assert (draft / "overview.md").read_bytes() == md0
    result = runner.invoke(app, ["undo", str(draft), "processes"])
    assert result.exit_code == 2 and "no earlier version" in result.output
    history = json.loads((draft / "overview.json").read_text(encoding="utf-8"))["sections"][1]["history"]
    assert [v["n"] for v in history] == [1, 2, 3], "undo never drops an accepted version"


def test_interactive_loop(draft: Path, rewriter: Rewriter) -> None:
    # pick section 3 by number, give an instruction, accept; then pick 'data', reject; quit.
    result = runner.invoke(app, ["revise", str(draft)], input="3\n写得更具体\na\ndata\n\nr\nq\n")
    assert result.exit_code == 0, result.output
    assert "status" in result.output and "saved team v2" in result.output and "rejected" in result.output
    content = sections_json(draft)
    assert "第一次修订" in json.dumps(content["team"], ensure_ascii=False)
    assert "修订" not in json.dumps(content["data"], ensure_ascii=False)


def test_summary_marked_stale_and_refreshed(draft: Path, rewriter: Rewriter) -> None:
    overview = store.load(draft)
    current = overview.section("goals").content
    assert current is not None
    goals = current.model_copy(deep=True)
    goals.goals = goals.goals[:1]  # type: ignore[union-attr]  # dropping goals changes what the opening and summary describe
    revise.accept(overview, "goals", goals, "hand", None, "edit")
    assert overview.opening_stale and overview.section("summary").state == "stale"
    store.save(draft, overview)
    result = runner.invoke(app, ["revise", str(draft), "--refresh-summary"])
    assert result.exit_code == 0 and "refreshed" in result.output
    refreshed = store.load(draft)
    assert not refreshed.opening_stale and refreshed.section("summary").state == "ok"


def test_second_writer_gets_a_clear_error(draft: Path, rewriter: Rewriter) -> None:
    md = (draft / "overview.md").read_bytes()
    with store.locked(draft):
        result = runner.invoke(app, ["revise", str(draft), "team", "--yes"])
    assert result.exit_code == 1 and "another drafter process" in result.output
    assert (draft / "overview.md").read_bytes() == md
    assert not (draft / store.LOCK).exists()


def test_interrupted_revise_leaves_the_draft_as_before(draft: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(request: ModelRequest, info: CallInfo) -> dict[str, Any]:
        raise KeyboardInterrupt

    md, js = (draft / "overview.md").read_bytes(), (draft / "overview.json").read_bytes()
    with override(FunctionModel(interrupt)):
        result = runner.invoke(app, ["revise", str(draft), "team", "-i", "x", "--yes"])
    assert result.exit_code == 130 and "interrupted" in result.output
    assert (draft / "overview.md").read_bytes() == md and (draft / "overview.json").read_bytes() == js
    assert not (draft / store.LOCK).exists()


def test_offline_says_it_cannot_follow_free_text(draft: Path) -> None:
    result = runner.invoke(app, ["revise", str(draft), "goals", "-i", "拆成季度里程碑", "--yes"])
    assert result.exit_code == 0
    assert "离线模型无法执行自由文本的修改要求" in result.output


def test_edit_parses_hand_text_back(draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "ed.py"
    script.write_text("import sys\np=sys.argv[1]\nt=open(p,encoding='utf-8').read()\n"
                      "open(p,'w',encoding='utf-8').write(t.replace('210人次','210人次（含复训）')"
                      "+'\\n\\n- 新增一条要点：店长每周参加区域经营例会\\n')\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = runner.invoke(app, ["edit", str(draft), "team"])
    assert result.exit_code == 0, result.output
    overview = store.load(draft)
    team = overview.section("team")
    assert team.current == 2 and team.history[-1].origin == "edit"
    md = (draft / "overview.md").read_text(encoding="utf-8")
    assert "210人次（含复训）" in md and "- 新增一条要点" in md
    facts_by_text = {f.text: f.id for f in overview.facts}
    cited = {i for p in team.content.paragraphs for i in p.fact_ids}  # type: ignore[union-attr]
    assert facts_by_text["第四季度完成咖啡师技能认证210人次"] in cited


def test_unknown_section_and_missing_draft(draft: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["revise", str(draft), "budget", "--yes"])
    assert result.exit_code == 2 and "no section 'budget'" in result.output
    result = runner.invoke(app, ["history", str(tmp_path / "nope"), "goals"])
    assert result.exit_code == 2 and "no overview.json" in result.output


def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Set EDITOR to a script that runs `body` with `t` the file's text and writes `t` back."""
    script = tmp_path / "ed.py"
    script.write_text("import sys\np=sys.argv[1]\nt=open(p,encoding='utf-8').read()\n" + body +
                      "\nopen(p,'w',encoding='utf-8').write(t)\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


@pytest.mark.parametrize("key", ["goals", "team", "risks", "summary"])
def test_edit_round_trips_every_section_kind(key: str, draft: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.draft.render_markdown import section_body

    before = store.load(draft).section(key)
    assert before.content is not None
    body = section_body(before.content, "zh")
    _editor(tmp_path, monkeypatch, "t=t.rstrip()+'\\n\\n另有一条手写的补充说明。\\n'")
    result = runner.invoke(app, ["edit", str(draft), key])
    assert result.exit_code == 0, result.output
    after = store.load(draft).section(key)
    assert after.current == 2 and after.history[-1].origin == "edit"
    assert after.content is not None
    assert section_body(after.content, "zh") == body + "\n\n另有一条手写的补充说明。"  # nothing else moved or changed
    assert not (draft / ".edits").exists()


def test_edit_keeps_risks_and_their_missing_response(draft: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _editor(tmp_path, monkeypatch, "t=t.replace('23%。', '23%（采购部）。', 1)")
    result = runner.invoke(app, ["edit", str(draft), "risks"])
    assert result.exit_code == 0, result.output
    content = store.load(draft).section("risks").content
    assert content is not None
    risk = content.risks[0]  # type: ignore[union-attr]
    assert risk.description == "阿拉比卡生豆采购价格同比上涨23%（采购部）"
    assert risk.response is None, "the placeholder drafter writes for a missing response is not a response"
    assert "应对：【待补充：应对措施与负责人】" in (draft / "overview.md").read_text(encoding="utf-8")


def test_an_edit_that_does_not_parse_is_kept(draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    md, js = (draft / "overview.md").read_bytes(), (draft / "overview.json").read_bytes()
    _editor(tmp_path, monkeypatch, "t=t.replace('应对：', '应对：加签长期合同', 1)+'\\n## 新的小节\\n'")
    result = runner.invoke(app, ["edit", str(draft), "risks"])
    assert result.exit_code == 2, result.output
    kept = list((draft / ".edits").glob("risks-*.md"))
    assert len(kept) == 1
    text = kept[0].read_text(encoding="utf-8")
    assert "应对：加签长期合同" in text
    line = text.splitlines().index("## 新的小节") + 1
    output = " ".join(result.output.split())
    assert f"{kept[0].name}:{line}: a heading inside the section" in output
    assert (draft / "overview.md").read_bytes() == md and (draft / "overview.json").read_bytes() == js


def test_parse_errors_name_the_line(draft: Path) -> None:
    facts = revise.facts_for(store.load(draft))
    with pytest.raises(revise.EditParseError) as info:
        revise.parse_section_markdown("第一段。\n\n第二段。\n\n- 风险一。应对：观察", "risks", facts)
    assert info.value.line == 5 and "2 paragraphs before the risks" in str(info.value)
    with pytest.raises(revise.EditParseError) as info:
        revise.parse_section_markdown("- 风险一\n- 应对：只有应对", "risks", facts)
    assert info.value.line == 2 and "no description" in str(info.value)
    with pytest.raises(revise.EditParseError) as info:
        revise.parse_section_markdown("段落。\n\n- 要点\n\n后面的段落。", "team", facts)
    assert info.value.line == 5 and "paragraph after the list" in str(info.value)
    with pytest.raises(revise.EditParseError) as info:
        revise.parse_section_markdown("\n  \n", "team", facts)
    assert "empty" in str(info.value)


def test_revise_summary_sends_the_instruction(draft: Path) -> None:
    offline = OfflineModel()
    seen: list[ModelRequest] = []

    async def answer(request: ModelRequest, info: CallInfo) -> dict[str, Any]:
        seen.append(request)
        return dict((await offline.respond(request)).parsed or {})

    with override(FunctionModel(answer, name="recorder")):
        result = runner.invoke(app, ["revise", str(draft), "summary", "-i", "突出会员增长，删去第三段", "--yes"])
    assert result.exit_code == 0, result.output
    assert len(seen) == 1
    text = "\n".join(m.content for m in seen[0].prompt.messages())
    assert "用户的修改要求：突出会员增长，删去第三段" in text
    assert "previous" in seen[0].prompt.payload, "the version being revised is sent with the instruction"


def _interrupt(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


def test_interrupted_first_write_claims_no_draft(coffee: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import drafter.pipeline

    monkeypatch.setattr(drafter.pipeline, "write_overview", _interrupt)
    out = tmp_path / "first"
    result = runner.invoke(app, ["write", str(coffee), "-o", str(out)])
    assert result.exit_code == 130, result.output
    output = " ".join(result.output.split())
    assert "interrupted" in output and "no draft was written" in output
    assert "as it was before" not in output
    assert not (out / "overview.json").exists()


def test_interrupted_rewrite_says_the_old_draft_is_kept(draft: Path, coffee: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import drafter.pipeline

    js = (draft / "overview.json").read_bytes()
    monkeypatch.setattr(drafter.pipeline, "write_overview", _interrupt)
    result = runner.invoke(app, ["write", str(coffee), "-o", str(draft), "--force"])
    assert result.exit_code == 130, result.output
    assert "is as it was before this step" in " ".join(result.output.split())
    assert (draft / "overview.json").read_bytes() == js


def test_interrupt_after_a_save_does_not_claim_the_draft_unchanged(draft: Path, rewriter: Rewriter,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(revise, "refresh_summary", _interrupt)
    result = runner.invoke(app, ["revise", str(draft), "team", "--yes", "--refresh-summary"])
    assert result.exit_code == 130, result.output
    output = " ".join(result.output.split())
    assert "saved team v2" in output and "keeps what this step saved" in output
    assert "as it was before" not in output


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import time

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("zone", "shown"), [("Asia/Shanghai", "2026-12-01 23:05:09 +08:00"),
                                             ("America/St_Johns", "2026-12-01 11:35:09 -03:30"),
                                             ("UTC", "2026-12-01 15:05:09 +00:00")])
def test_history_shows_whole_local_times(zone: str, shown: str, draft: Path, local_zone: Any) -> None:
    data = json.loads((draft / "overview.json").read_text(encoding="utf-8"))
    goals = next(s for s in data["sections"] if s["key"] == "goals")
    goals["history"][0]["created"] = "2026-12-01T15:05:09+00:00"
    (draft / "overview.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    local_zone(zone)
    result = runner.invoke(app, ["history", str(draft), "goals"])
    assert result.exit_code == 0, result.output
    assert shown in result.output

"""Updating a draft when its facts change: only the sections whose facts changed are redrafted; every other section,
one edited by hand included, stays byte for byte; a hand-edited section whose facts changed gets a proposal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from drafter import revise
from drafter.cli.app import app
from drafter.draft import store
from drafter.draft.render_markdown import section_body

runner = CliRunner()


def write(facts: Path, out: Path, *extra: str) -> str:
    result = runner.invoke(app, ["write", str(facts), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def sections(out: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((out / "overview.json").read_text(encoding="utf-8"))
    return {s["key"]: s for s in data["sections"]}


def hand_edit(out: Path, key: str, old: str, new: str) -> str:
    """Edit one section by hand (as `drafter edit` stores it) and return its new Markdown body."""
    overview = store.load(out)
    body = section_body(overview.section(key).content, overview.language)
    assert old in body
    facts = revise.facts_for(overview)
    content = revise.parse_section_markdown(body.replace(old, new), key, facts)
    revise.accept(overview, key, content, "manual", None, "edit")
    store.save(out, overview)
    return section_body(overview.section(key).content, overview.language)


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_only_the_sections_whose_facts_changed_are_redrafted(tmp_path: Path, coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    write(facts, out)
    edited = hand_edit(out, "data", "单店日均杯量410杯", "单店日均杯量410杯（按营业日计）")
    before = sections(out)
    change(facts, "第四季度完成咖啡师技能认证210人次", "第四季度完成咖啡师技能认证230人次")
    output = write(facts, out)

    after = sections(out)
    assert "230人次" in section_body(store.load(out).section("team").content, "zh")
    assert after["team"]["history"][-1]["origin"] == "update" and len(after["team"]["history"]) == \
        len(before["team"]["history"]) + 1
    for key in before:
        if key not in ("team", "summary"):
            assert after[key] == before[key], f"{key} changed though its facts did not"
    assert section_body(store.load(out).section("data").content, "zh") == edited, "the hand edit is kept"
    assert "its facts changed" in output and "kept as it was" in output
    assert "model calls 3 ·" in output, "this run's calls: the team section, the opening and the summary"
    assert json.loads((out / "overview.json").read_text(encoding="utf-8"))["facts_digest"] != ""
    assert "230人次" in (out / "overview.md").read_text(encoding="utf-8")


def test_a_hand_edited_section_whose_facts_changed_gets_a_proposal(tmp_path: Path, coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    write(facts, out)
    edited = hand_edit(out, "team", "店长每周参加区域经营例会", "各店店长每周参加区域经营例会")
    change(facts, "第四季度完成咖啡师技能认证210人次", "第四季度完成咖啡师技能认证230人次")
    output = write(facts, out)

    overview = store.load(out)
    team = overview.section("team")
    assert section_body(team.content, "zh") == edited, "the edit stays current"
    assert team.proposal is not None and "230人次" in section_body(team.proposal.content, "zh")
    assert "proposal" in output and "drafter revise" in output
    listed = runner.invoke(app, ["revise", str(out)], input="q\n")
    assert any("team" in line and "proposal" in line for line in listed.output.splitlines()), listed.output

    shown = runner.invoke(app, ["revise", str(out), "team"], input="n\n")
    assert shown.exit_code == 0, shown.output
    assert "230人次" in shown.output and "210人次" in shown.output, "the diff shows the redraft against the edit"
    rejected = store.load(out).section("team")
    assert rejected.proposal is None and section_body(rejected.content, "zh") == edited

    write(facts.with_name("facts.yaml"), out, "--force")  # start over, then the same update again
    hand_edit(out, "team", "店长每周参加区域经营例会", "各店店长每周参加区域经营例会")
    change(facts, "230人次", "250人次")
    write(facts, out)
    accepted = runner.invoke(app, ["revise", str(out), "team", "--yes"])
    assert accepted.exit_code == 0, accepted.output
    team = store.load(out).section("team")
    assert team.proposal is None and "250人次" in section_body(team.content, "zh")
    assert team.history[-1].origin == "update"


def test_renumbered_facts_keep_the_kept_sections_citations_right(tmp_path: Path, coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    write(facts, out)
    old = store.load(out)
    cited_texts = {key: sorted(old.facts[int(i[1:]) - 1].text for i in _ids(old, key)) for key in ("data", "team")}
    change(facts, "  - 华东地区42家门店，员工380人", "  - 华东地区42家门店，员工380人\n  - 2025年11月新开门店2家")
    write(facts, out)
    new = store.load(out)
    by_id = {f.id: f.text for f in new.facts}
    assert len(new.facts) == len(old.facts) + 1
    for key in ("data", "team"):
        assert sorted(by_id[i] for i in _ids(new, key)) == cited_texts[key], f"{key} cites other facts now"


def _ids(overview: Any, key: str) -> set[str]:
    from drafter.draft.model import fact_ids_of

    return fact_ids_of(overview.section(key).content)


def test_unchanged_facts_are_not_redrafted_and_a_new_section_is_drafted(tmp_path: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    facts.write_text("company: 云帆物流\nperiod: 2025年第三季度\nteam: [调度中心员工56人]\ndata: [第三季度准点率92%]\n",
                     encoding="utf-8")
    write(facts, out)
    again = runner.invoke(app, ["write", str(facts), "-o", str(out)])
    assert again.exit_code == 2 and "unchanged" in again.output
    before = sections(out)
    facts.write_text(facts.read_text(encoding="utf-8") + "technology: [上线运力调度系统]\n", encoding="utf-8")
    output = write(facts, out)
    after = sections(out)
    assert "technology" in after and "technology" not in before and "drafted" in output
    assert after["team"] == before["team"] and after["data"] == before["data"]


def test_stale_opening_and_summary_are_said_everywhere_and_undo_recomputes_it(tmp_path: Path,
                                                                              coffee: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    write(facts, out)
    hand_edit(out, "team", "第四季度完成咖啡师技能认证210人次。", "")  # the section no longer cites that fact
    overview = store.load(out)
    assert overview.opening_stale and overview.section("summary").state == "stale"
    for args in (["history", str(out), "team"], ["export", str(out), "-o", str(tmp_path / "x.docx")],
                 ["check", str(out)]):
        result = runner.invoke(app, args)
        assert "out of date" in result.output and "--refresh-summary" in result.output, args
    undone = runner.invoke(app, ["undo", str(out), "team"])
    assert undone.exit_code == 0, undone.output
    overview = store.load(out)
    assert not overview.opening_stale and overview.section("summary").state == "ok", \
        "back at the version the summary was drafted from: current again"
    assert "out of date" not in runner.invoke(app, ["history", str(out), "team"]).output


def test_a_section_the_facts_no_longer_call_for_is_dropped_unless_edited_by_hand(tmp_path: Path) -> None:
    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    base = "company: 云帆物流\nperiod: 2025年第三季度\nteam: [调度中心员工56人]\n"
    facts.write_text(base + "customers: [新签约客户12家]\ntechnology: [上线运力调度系统]\n", encoding="utf-8")
    write(facts, out)
    edited = hand_edit(out, "technology", "上线运力调度系统", "上线运力调度系统（一期）")
    facts.write_text(base, encoding="utf-8")  # neither customers nor technology has facts now
    output = write(facts, out)
    overview = store.load(out)
    keys = [s.key for s in overview.sections]
    assert "technology" in keys and keys[-1] == "summary", "the hand edit is kept, before the summary"
    assert section_body(overview.section("technology").content, "zh") == edited
    assert "customers" not in keys, "not edited by hand, and no fact calls for it: dropped"
    assert "dropped" in output and "kept" in output


def test_a_failed_redraft_of_a_hand_edited_section_leaves_the_edit_current_and_ok(tmp_path: Path,
                                                                                    coffee: Path) -> None:
    from drafter.errors import ModelError
    from drafter.llm.fakes import CallInfo, FunctionModel
    from drafter.llm.offline import OfflineModel
    from drafter.llm.protocol import ModelRequest, ModelResponse
    from drafter.llm.registry import override

    facts, out = tmp_path / "facts.yaml", tmp_path / "out"
    shutil.copy(coffee, facts)
    write(facts, out)
    edited = hand_edit(out, "team", "店长每周参加区域经营例会", "各店店长每周参加区域经营例会")
    change(facts, "第四季度完成咖啡师技能认证210人次", "第四季度完成咖啡师技能认证230人次")

    async def fail_team(request: ModelRequest, info: CallInfo) -> ModelResponse:
        if request.payload.get("section", {}).get("key") == "team":
            raise ModelError("the model is down")
        return await OfflineModel().respond(request)

    with override(FunctionModel(fail_team)):
        runner.invoke(app, ["write", str(facts), "-o", str(out)])
    team = store.load(out).section("team")
    assert team.state == "ok" and team.proposal is None
    assert section_body(team.content, "zh") == edited, "a failed redraft never replaces or hides the edit"

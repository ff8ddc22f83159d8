"""English drafts get the same treatment, plus their own details: possessives of names ending in s, metric names that
keep their case, each fact its own sentence (never one "Key points this period: …" sentence)."""

from __future__ import annotations

import pytest

from drafter.llm.offline.english import clause, lower_first, possessive

from ..conftest import ROOT
from .helpers import claims_findings, draft_file, section_text

HOTEL = ROOT / "evals" / "cases" / "hotel_group_en" / "facts.yaml"


def test_possessive_of_a_name_ending_in_s() -> None:
    assert possessive("Harborline Hotels") == "Harborline Hotels'"
    assert possessive("Lumenfield Software") == "Lumenfield Software's"


def test_metric_names_keep_their_case() -> None:
    assert lower_first("RevPAR of RMB 312") == "RevPAR of RMB 312"
    assert lower_first("NPS of 42") == "NPS of 42"
    assert lower_first("Direct booking share") == "direct booking share"


@pytest.mark.parametrize(("fact", "sentence"), [
    ("Average occupancy of 78% in H1 2025", "Average occupancy was 78% in H1 2025"),
    ("Driver vacancies of 27 at the end of the quarter", "Driver vacancies were 27 at the end of the quarter"),
    ("Self-service check-in kiosks piloted in 4 hotels", "Self-service check-in kiosks were piloted in 4 hotels"),
    ("In-app guided setup piloted with 60 new customers", "In-app guided setup was piloted with 60 new customers"),
    ("Housekeeping rosters now set daily from forecast occupancy",
     "Housekeeping rosters are now set daily from forecast occupancy"),
    ("Quarterly bonus for hotel teams tied to review score", "Quarterly bonus for hotel teams is tied to review score"),
    ("Loyalty program reached 520,000 members", "Loyalty program reached 520,000 members"),
    ("Monthly general manager forum on service standards",
     "there is a monthly general manager forum on service standards"),
    ("2,100 employees at the end of June 2025", "Harborline Hotels had 2,100 employees at the end of June 2025"),
])
def test_a_fact_as_a_clause_adds_only_a_verb(fact: str, sentence: str) -> None:
    assert clause(fact, "Harborline Hotels") == sentence


def test_hotel_draft_details() -> None:
    facts, overview, md = draft_file(HOTEL)
    assert "Harborline Hotels' strategy" in md and "Harborline Hotels's" not in md
    assert "RevPAR was RMB 312" in md and "revPAR" not in md
    assert "Key points" not in md
    data = section_text(overview, "data")
    assert "Average occupancy was 78% in H1 2025." in data and "RevPAR was RMB 312, up 6% year over year." in data
    assert claims_findings(facts, overview) == []


def test_english_goals_and_placeholders() -> None:
    facts, overview, md = draft_file(HOTEL)
    assert "- Direct booking share: raise from 34% to 45% by December 31, 2025; owner: Digital sales team." in md
    assert ("- Energy cost per occupied room: reduce from RMB 19 to RMB 16 by [TO FILL: deadline for the energy "
            "cost per occupied room goal]; owner: [TO FILL: owner of the energy cost per occupied room goal].") in md
    asked = [q.text for q in overview.questions]
    assert any("By when should the energy cost per occupied room goal be met" in q for q in asked)

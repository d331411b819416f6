"""The 封井回填 lifecycle, checked against its own tables: every transition in TRANSITIONS passes
with exactly the REQUIRED fields of its target, every other pair of statuses is refused, and each
required field left out is named in the refusal."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from gwlib.errors import TransitionError
from gwlib.wells.lifecycle import REQUIRED, STAGES, TRANSITIONS, check_transition, next_stage
from gwlib.wells.model import WellStatus

ALLOWED = [(src, dst) for src, targets in TRANSITIONS.items() for dst in targets]
FORBIDDEN = [p for p in itertools.product(WellStatus, repeat=2) if p not in ALLOWED]
REQUIRED_FIELDS = [(dst, field) for dst, fields in REQUIRED.items() for field in fields]
REQUIRED_ALL = [field for _, field in REQUIRED_FIELDS]
DOCUMENTS_LABEL = "至少一份附件（验收报告、封井记录或照片）"

#: A value for every field any stage requires.
VALUES: dict[str, Any] = {
    "survey_date": "2024-03-01",
    "responsible_party": "东村村民委员会",
    "lead_department": "绛县水务局",
    "plan_type": "封填",
    "planned_completion": "2025-06-30",
    "start_date": "2025-04-01",
    "end_date": "2025-05-01",
    "method": "黏土球+水泥封填",
    "acceptance_date": "2025-06-01",
    "acceptance_conclusion": "合格",
}


def needs(dst: WellStatus) -> tuple[dict[str, Any], dict[str, Any], int, str]:
    """(well, sealing, documents, reason) holding exactly what entering ``dst`` requires."""
    fields: dict[str, dict[str, Any]] = {"well": {}, "sealing": {}}
    for where, name, _ in REQUIRED.get(dst, ()):  # 已排查登记 (resumed to) needs nothing
        fields[where][name] = VALUES[name]
    documents = 1 if dst is WellStatus.ACCEPTED else 0
    reason = "资金未到位" if dst is WellStatus.DEFERRED else ""
    return fields["well"], fields["sealing"], documents, reason


def everything() -> tuple[dict[str, Any], dict[str, Any], int, str]:
    well = {name: VALUES[name] for where, name, _ in REQUIRED_ALL if where == "well"}
    sealing = {name: VALUES[name] for where, name, _ in REQUIRED_ALL if where == "sealing"}
    return well, sealing, 3, "资金未到位"


def _id(pair: tuple[WellStatus, WellStatus]) -> str:
    return f"{pair[0].value}→{pair[1].value}"


def test_tables_cover_every_status() -> None:
    assert set(TRANSITIONS) == set(WellStatus)
    # Every status but the first can be entered, so each has its row of requirements.
    assert set(REQUIRED) == set(WellStatus) - {WellStatus.REGISTERED}
    assert len(ALLOWED) + len(FORBIDDEN) == len(WellStatus) ** 2
    assert {f[1] for f in REQUIRED_ALL} == set(VALUES)


def test_transitions_are_the_diagram_in_the_docstring() -> None:
    """The table against the module's drawing: the main line, 暂缓 from each working stage and
    back to any of them, and 验收不通过 back to 施工中. Nothing leaves 已验收销号."""
    main = list(itertools.pairwise(STAGES))
    working = STAGES[:4]
    drawn = {
        *main,
        *((s, WellStatus.DEFERRED) for s in working),
        *((WellStatus.DEFERRED, s) for s in working),
        (WellStatus.SEALED, WellStatus.IN_WORKS),
    }
    assert set(ALLOWED) == drawn and len(ALLOWED) == len(drawn) == 14


@pytest.mark.parametrize("pair", ALLOWED, ids=[_id(p) for p in ALLOWED])
def test_allowed_transition_passes_with_its_required_fields(
    pair: tuple[WellStatus, WellStatus],
) -> None:
    src, dst = pair
    well, sealing, documents, reason = needs(dst)
    check_transition(src, dst, well, sealing, documents, reason)
    check_transition(src.value, dst.value, well, sealing, documents, reason)  # plain strings too


@pytest.mark.parametrize("pair", FORBIDDEN, ids=[_id(p) for p in FORBIDDEN])
def test_forbidden_transition_is_refused_whatever_is_filled(
    pair: tuple[WellStatus, WellStatus],
) -> None:
    src, dst = pair
    with pytest.raises(TransitionError) as err:
        check_transition(src, dst, *everything())
    assert err.value.field == "状态"
    assert err.value.value == f"{src.value} → {dst.value}"
    allowed = TRANSITIONS[src]
    for s in allowed:
        assert s.value in err.value.expected
    if not allowed:
        assert "已销号的井不再变更" in err.value.expected


@pytest.mark.parametrize(
    ("dst", "field"), REQUIRED_FIELDS, ids=[f"{d.value}-{f[2]}" for d, f in REQUIRED_FIELDS]
)
@pytest.mark.parametrize(
    "blank", [None, "", "  ", float("nan")], ids=["None", "empty", "space", "NaN"]
)
def test_each_missing_required_field_is_named(
    dst: WellStatus, field: tuple[str, str, str], blank: object
) -> None:
    where, name, label = field
    src = next(s for s, targets in TRANSITIONS.items() if dst in targets)
    well, sealing, documents, reason = needs(dst)
    (well if where == "well" else sealing)[name] = blank
    with pytest.raises(TransitionError) as err:
        check_transition(src, dst, well, sealing, documents, reason)
    assert err.value.missing == (label,)
    assert label in str(err.value)


def test_acceptance_needs_a_document() -> None:
    well, sealing, _, _ = needs(WellStatus.ACCEPTED)
    with pytest.raises(TransitionError) as err:
        check_transition(WellStatus.SEALED, WellStatus.ACCEPTED, well, sealing, documents=0)
    assert err.value.missing == (DOCUMENTS_LABEL,)


def test_missing_fields_are_all_named_at_once() -> None:
    with pytest.raises(TransitionError) as err:
        check_transition(WellStatus.SEALED, WellStatus.ACCEPTED, {}, None, documents=0)
    assert err.value.missing == ("验收日期", "验收结论", DOCUMENTS_LABEL)


DEFERRABLE = [s for s, targets in TRANSITIONS.items() if WellStatus.DEFERRED in targets]


@pytest.mark.parametrize("src", DEFERRABLE, ids=[s.value for s in DEFERRABLE])
def test_deferral_needs_a_reason(src: WellStatus) -> None:
    with pytest.raises(TransitionError) as err:
        check_transition(src, WellStatus.DEFERRED, {}, reason=" ")
    assert err.value.missing == ("暂缓原因",)
    # A reason already on the well counts as given.
    check_transition(src, WellStatus.DEFERRED, {"deferral_reason": "征地未完成"})


def test_next_stage_follows_the_main_line() -> None:
    for here, after in itertools.pairwise(STAGES):
        assert next_stage(here) is after
        assert (here, after) in ALLOWED
    assert next_stage(WellStatus.ACCEPTED) is None
    assert next_stage(WellStatus.DEFERRED) is None

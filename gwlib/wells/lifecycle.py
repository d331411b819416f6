"""The 封井回填 lifecycle of an abandoned well: which status may follow which, and what each
stage needs before a well may enter it.

::

    已排查登记 → 已核查评估 → 方案编制 → 施工中 → 已封井待验收 → 已验收销号
         ╲            ╲           ╲         ╲            │ 验收不通过：退回施工中
          ╰────────────┴───────────┴─────────┴──→ 暂缓（须说明原因）→ 恢复到暂缓前的任一阶段

Stage requirements (entering the stage):

* 已核查评估 — 排查日期, 责任主体, 牵头部门 (who must act, [条例]).
* 方案编制 — 一井一策 处置方式 and 计划完成日期.
* 施工中 — 封井开始日期 (sealing record).
* 已封井待验收 — 封井完成日期 and 封井方法 (sealing record).
* 已验收销号 — 验收日期, 验收结论 and at least one attached document.
* 暂缓 — a reason.

The rules are pure functions of the well's fields, its sealing record and its document count; the
store calls :func:`check_transition` inside the transaction that writes the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gwlib.errors import TransitionError
from gwlib.wells.model import WellStatus

S = WellStatus

#: Allowed next statuses. Resuming from 暂缓 goes back to a working stage.
TRANSITIONS: dict[WellStatus, tuple[WellStatus, ...]] = {
    S.REGISTERED: (S.ASSESSED, S.DEFERRED),
    S.ASSESSED: (S.PLANNED, S.DEFERRED),
    S.PLANNED: (S.IN_WORKS, S.DEFERRED),
    S.IN_WORKS: (S.SEALED, S.DEFERRED),
    S.SEALED: (S.ACCEPTED, S.IN_WORKS),
    S.ACCEPTED: (),
    S.DEFERRED: (S.REGISTERED, S.ASSESSED, S.PLANNED, S.IN_WORKS),
}

#: The main line in order (暂缓 is a side state).
STAGES: tuple[WellStatus, ...] = (
    S.REGISTERED,
    S.ASSESSED,
    S.PLANNED,
    S.IN_WORKS,
    S.SEALED,
    S.ACCEPTED,
)

#: Fields a stage needs: (where, field, Chinese label). ``where`` is "well" or "sealing".
REQUIRED: dict[WellStatus, tuple[tuple[str, str, str], ...]] = {
    S.ASSESSED: (
        ("well", "survey_date", "排查日期"),
        ("well", "responsible_party", "责任主体"),
        ("well", "lead_department", "牵头部门"),
    ),
    S.PLANNED: (
        ("well", "plan_type", "处置方式"),
        ("well", "planned_completion", "计划完成日期"),
    ),
    S.IN_WORKS: (("sealing", "start_date", "封井开始日期"),),
    S.SEALED: (
        ("sealing", "end_date", "封井完成日期"),
        ("sealing", "method", "封井方法"),
    ),
    S.ACCEPTED: (
        ("sealing", "acceptance_date", "验收日期"),
        ("sealing", "acceptance_conclusion", "验收结论"),
    ),
    S.DEFERRED: (),
}

#: "Sealed" (已封井): the stages at which the work counts as finished, whether accepted yet or
#: not. The one definition every figure, page, map layer, export and brief uses.
SEALED_STAGES: tuple[WellStatus, ...] = (S.SEALED, S.ACCEPTED)
SEALED_VALUES: tuple[str, ...] = tuple(s.value for s in SEALED_STAGES)
#: The statuses that are not sealed, in lifecycle order (暂缓 last).
UNSEALED_STAGES: tuple[WellStatus, ...] = tuple(s for s in WellStatus if s not in SEALED_STAGES)


def next_statuses(status: WellStatus | str) -> tuple[WellStatus, ...]:
    return TRANSITIONS[WellStatus(status)]


def next_stage(status: WellStatus | str) -> WellStatus | None:
    """The next status on the main line (None for 已验收销号 and 暂缓)."""
    s = WellStatus(status)
    if s not in STAGES or s is S.ACCEPTED:
        return None
    return STAGES[STAGES.index(s) + 1]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and not value.strip()


def missing_fields(
    to: WellStatus,
    well: Mapping[str, Any],
    sealing: Mapping[str, Any] | None,
    documents: int,
) -> tuple[str, ...]:
    """Chinese labels of what ``to`` needs and the well does not have yet."""
    sources = {"well": well, "sealing": sealing or {}}
    missing = [
        label for where, name, label in REQUIRED.get(to, ()) if _blank(sources[where].get(name))
    ]
    if to is S.ACCEPTED and documents < 1:
        missing.append("至少一份附件（验收报告、封井记录或照片）")
    return tuple(missing)


def check_transition(
    from_status: WellStatus | str,
    to: WellStatus | str,
    well: Mapping[str, Any],
    sealing: Mapping[str, Any] | None = None,
    documents: int = 0,
    reason: str = "",
) -> None:
    """Raise :class:`TransitionError` unless the well may move from ``from_status`` to ``to``."""
    src, dst = WellStatus(from_status), WellStatus(to)
    allowed = TRANSITIONS[src]
    if dst not in allowed:
        expected = "、".join(s.value for s in allowed) if allowed else "无（已销号的井不再变更）"
        raise TransitionError("状态", f"{src.value} → {dst.value}", f"以下状态之一：{expected}")
    if dst is S.DEFERRED and _blank(reason or well.get("deferral_reason")):
        raise TransitionError("暂缓原因", "", "暂缓时必须说明原因", ("暂缓原因",))
    missing = missing_fields(dst, well, sealing, documents)
    if missing:
        raise TransitionError(
            "状态",
            dst.value,
            f"进入「{dst.value}」前先填写：" + "、".join(missing),
            missing,
        )

"""The 封井回填 ledger as the section reads it: who is responsible, what is overdue, how far each
township has got, and how the list grew and shrank over time.

Responsibility ([条例] in docs/sources.md, 《地下水管理条例》): a known owner (所有权人) is the
责任主体; where the owner is unknown (``不详``) the county water authority organises the work.
An owner who has not sealed by the planned date is flagged under Art. 58 (责令封井或者回填，
处10万元以上50万元以下罚款). Every function takes ``as_of``; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gwlib.text import nfkc
from gwlib.wells.lifecycle import SEALED_VALUES, STAGES
from gwlib.wells.model import WellStatus

UNKNOWN_OWNER = "不详"
#: What county staff write when there is no known owner.
UNKNOWN_OWNER_WORDS = frozenset(
    {"不详", "无", "不明", "未知", "无主", "无主井", "所有权人不明", "-", "—", "/", "无人"}
)
ART_58 = "《地下水管理条例》第五十八条：责令封井或者回填，处10万元以上50万元以下罚款"
#: The one wording of who seals a well whose owner is unknown (《地下水管理条例》: the county
#: government's water authority organises it; docs/sources.md [条例]) — the overdue list, the
#: risk reasons and the brief all say this.
OWNER_UNKNOWN_DUTY = "所有权人不明，由县级人民政府水行政主管部门组织封井回填"
#: The one wording of the 串层污染 flag, written in a well's 废弃原因 or 备注 (the risk score
#: reads it there, with its other words in gwlib.wells.risk.RiskRules.cross_layer_words).
CROSS_LAYER = "疑似串层污染"


def water_authority(region: str) -> str:
    """The county water authority that answers for wells without a known owner."""
    region = region.strip()
    return f"{region}水务局" if region else "县级人民政府水行政主管部门"


def normalise_owner(text: object) -> tuple[str, bool]:
    """(所有权人 as stored, owner known). Blank and ``不详``/``无``/… mean unknown → ``不详``."""
    s = "" if text is None else str(text).strip()
    if not s or nfkc(s).replace(" ", "") in UNKNOWN_OWNER_WORDS:
        return UNKNOWN_OWNER, False
    return s, True


def merge_row(
    partial: Mapping[str, Any], existing: Mapping[str, Any] | None, authority: str
) -> dict[str, Any]:
    """The full row of a well after an import row is applied.

    ``partial`` holds the fields of the columns present in the file (a blank cell clears a
    field, except 状态, which stays as it was — or 已排查登记 for a new well). Owner knowledge
    follows the owner text; a blank 责任主体 becomes the owner, or ``authority`` when unknown.
    """
    row: dict[str, Any] = dict(existing or {})
    row.update(partial)
    if "owner" in partial or existing is None:
        row["owner"], row["owner_known"] = normalise_owner(row.get("owner"))
    if not partial.get("status"):
        row["status"] = (existing or {}).get("status") or WellStatus.REGISTERED.value
    if not str(row.get("responsible_party") or "").strip():
        row["responsible_party"] = row["owner"] if row["owner_known"] else authority
    if row.get("status") != WellStatus.DEFERRED.value and "deferral_reason" not in partial:
        row["deferral_reason"] = ""
    return row


# -- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WellFilter:
    """The ledger page's filters; empty tuples and None mean "all"."""

    townships: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subtypes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    plan_types: tuple[str, ...] = ()
    risk_levels: tuple[str, ...] = ()
    owner_known: bool | None = None
    overdue_only: bool = False
    text: str = ""


def sealed_mask(wells: pd.DataFrame) -> pd.Series:
    """Wells that count as sealed (:data:`gwlib.wells.lifecycle.SEALED_STAGES`)."""
    return wells["status"].isin(SEALED_VALUES)


def overdue_mask(wells: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """逾期未封井: planned completion passed, the well not sealed, and not 暂缓 (a deferral is
    decided with its reason; it is counted apart, not as overdue)."""
    planned = pd.to_datetime(wells["planned_completion"], errors="coerce")
    deferred = wells["status"] == WellStatus.DEFERRED.value
    return (planned < pd.Timestamp(as_of)) & ~sealed_mask(wells) & ~deferred


@dataclass(frozen=True)
class LedgerFigures:
    """The ledger's headline numbers, as every page, the brief and the checklist quote them.

    封井完成率 = (已封井待验收 + 已验收销号) / (清单井数 − 暂缓), in %.
    """

    total: int
    sealed: int
    accepted: int
    deferred: int
    overdue: int
    owner_unknown: int

    @property
    def due(self) -> int:
        """Wells that should be sealed: the list less the deferred ones."""
        return self.total - self.deferred

    @property
    def completion_rate(self) -> float:
        return self.sealed * 100.0 / self.due if self.due else 0.0


def ledger_figures(wells: pd.DataFrame, as_of: dt.date) -> LedgerFigures:
    """:class:`LedgerFigures` of ``wells`` (any selection of the ledger) on ``as_of``."""
    return LedgerFigures(
        total=len(wells),
        sealed=int(sealed_mask(wells).sum()),
        accepted=int((wells["status"] == WellStatus.ACCEPTED.value).sum()),
        deferred=int((wells["status"] == WellStatus.DEFERRED.value).sum()),
        overdue=int(overdue_mask(wells, as_of).sum()),
        owner_unknown=int((~wells["owner_known"].astype(bool)).sum()),
    )


def filter_wells(
    wells: pd.DataFrame, f: WellFilter, as_of: dt.date, risk: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Rows of ``wells`` that pass ``f`` (``risk`` gives each code's level when filtering by it)."""
    keep = pd.Series(True, index=wells.index)
    for column, wanted in (
        ("township", f.townships),
        ("category", f.categories),
        ("subtype", f.subtypes),
        ("status", f.statuses),
        ("plan_type", f.plan_types),
    ):
        if wanted:
            keep &= wells[column].isin(wanted)
    if f.owner_known is not None:
        keep &= wells["owner_known"].astype(bool) == f.owner_known
    if f.overdue_only:
        keep &= overdue_mask(wells, as_of)
    if f.risk_levels and risk is not None:
        levels = wells["code"].map(risk.set_index("code")["level"])
        keep &= levels.isin(f.risk_levels)
    if f.text.strip():
        t = f.text.strip()
        hay = wells["code"] + " " + wells["village"] + " " + wells["owner"]
        keep &= hay.str.contains(t, regex=False, na=False)
    return wells[keep]


# -- summaries --------------------------------------------------------------------------------

STATUS_ORDER = [s.value for s in (*STAGES, WellStatus.DEFERRED)]


def stage_counts(wells: pd.DataFrame) -> pd.DataFrame:
    """Wells per status in lifecycle order (every status present): status, wells, share (%)."""
    n = wells["status"].value_counts().reindex(STATUS_ORDER, fill_value=0)
    total = max(int(n.sum()), 1)
    return pd.DataFrame(
        {"status": n.index, "wells": n.to_numpy(), "share": n.to_numpy() * 100.0 / total}
    )


def township_progress(wells: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per township: wells, sealed, accepted, deferred, overdue, owner unknown, and the
    封井完成率 (%) of :class:`LedgerFigures`."""
    w = wells.assign(
        sealed=sealed_mask(wells),
        accepted=wells["status"] == WellStatus.ACCEPTED.value,
        deferred=wells["status"] == WellStatus.DEFERRED.value,
        overdue=overdue_mask(wells, as_of),
        unknown=~wells["owner_known"].astype(bool),
    )
    g = w.groupby("township", sort=True).agg(
        wells=("code", "size"),
        sealed=("sealed", "sum"),
        accepted=("accepted", "sum"),
        deferred=("deferred", "sum"),
        overdue=("overdue", "sum"),
        owner_unknown=("unknown", "sum"),
    )
    due = g["wells"] - g["deferred"]
    g["sealed_share"] = (g["sealed"] * 100.0 / due.where(due > 0)).fillna(0.0)
    return g.reset_index().sort_values(["sealed_share", "township"], ascending=[False, True])


def overdue_list(wells: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Unsealed wells whose planned completion has passed, most overdue first, each with the
    action it calls for (Art. 58 for a known owner, the water authority for an unknown one)."""
    o = wells[overdue_mask(wells, as_of)].copy()
    planned = pd.to_datetime(o["planned_completion"])
    o["days_overdue"] = (pd.Timestamp(as_of) - planned).dt.days.astype("int64")
    o["action"] = [
        f"所有权人未按期封井：{ART_58}" if known else OWNER_UNKNOWN_DUTY
        for known in o["owner_known"].astype(bool)
    ]
    cols = [
        "code", "township", "village", "category", "status", "owner", "responsible_party",
        "lead_department", "planned_completion", "days_overdue", "action",
    ]  # fmt: skip
    return o.sort_values(["days_overdue", "code"], ascending=[False, True])[cols]


def timeline(
    wells: pd.DataFrame, events: pd.DataFrame, acceptance: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Cumulative wells registered, sealed and accepted by month (month, registered, sealed,
    accepted). Registered by 排查日期; sealed by 实际完成日期; accepted by the date of the
    step to 已验收销号 (else the acceptance date on the sealing record, else 实际完成日期)."""
    reg = pd.to_datetime(wells["survey_date"], errors="coerce")
    sealed = pd.to_datetime(wells["actual_completion"], errors="coerce").where(
        sealed_mask(wells)
    )
    acc_on = pd.Series(pd.NaT, index=wells.index, dtype="datetime64[ns]")
    is_acc = wells["status"] == WellStatus.ACCEPTED.value
    if not events.empty:
        ev = events[events["to_status"] == WellStatus.ACCEPTED.value]
        last = ev.groupby("well_code")["event_date"].max()
        acc_on = pd.to_datetime(wells["code"].map(last), errors="coerce")
    if acceptance is not None and not acceptance.empty:
        by_code = acceptance.set_index("well_code")["acceptance_date"]
        acc_on = acc_on.fillna(pd.to_datetime(wells["code"].map(by_code), errors="coerce"))
    acc_on = acc_on.fillna(sealed).where(is_acc)
    frames = {"registered": reg, "sealed": sealed, "accepted": acc_on}
    dates = pd.concat(frames.values()).dropna()
    if dates.empty:
        return pd.DataFrame(columns=["month", *frames])
    months = pd.period_range(dates.min().to_period("M"), dates.max().to_period("M"), freq="M")
    out = pd.DataFrame({"month": months.to_timestamp()})
    for name, s in frames.items():
        per = s.dropna().dt.to_period("M").value_counts().reindex(months, fill_value=0)
        out[name] = per.cumsum().to_numpy()
    return out

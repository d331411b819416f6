"""The figures of the joint-meeting brief (联席会议简报), computed once for a year and 水期.

:func:`brief_data` returns every table as display text with Chinese headers, plus the chart
data; the page shows exactly these tables and charts and the DOCX/PPTX packs print exactly
them, so the pack's numbers are the screen's numbers for the same filters.

Size: about 500 lines in one module, because one function per table of the brief, all from the same
selection, so the page and both packs print the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gwlib.asof import as_of_for_year, store_as_of
from gwlib.plans.checklist import Checklist, build_checklist
from gwlib.plans.metrics import LAGGING, MetricData
from gwlib.quality.annual import (
    CHANGE_WORSE,
    CHANGES,
    GROUPS,
    limiting_exceedances,
    share_of,
    v_share,
    year_over_year,
)
from gwlib.quality.classes import QualityClass
from gwlib.quality.point_checks import FILING_OVERDUE, NOT_FILED, POINT_CHECK_LABELS, stored_checks
from gwlib.quality.requirements import EXCEEDED
from gwlib.quality.standards import StandardSet, get_standard
from gwlib.sources.model import PollutionCategory, WorkStatus
from gwlib.store import Store, summaries
from gwlib.store.plans import goal_status
from gwlib.store.tasks import task_statuses
from gwlib.wells.ledger import (
    OWNER_UNKNOWN_DUTY,
    ledger_figures,
    overdue_list,
    township_progress,
)

STANDARD_NOTE = (
    "注：水质类别按《地下水质量标准》（GB/T 14848-2017）单指标评价、从优不从劣，"
    "点位年度类别取该年度各次采样的最差类别；“定类指标”为达到该类别的指标。"
)


@dataclass(frozen=True)
class Table:
    title: str
    frame: pd.DataFrame  # display text, Chinese headers
    highlight: tuple[int, ...] = ()  # rows to mark (exceedance, lagging, overdue)
    note: str = ""


@dataclass(frozen=True)
class BriefData:
    year: int
    period: str
    as_of: dt.date
    region: str
    plan_title: str
    headline: list[tuple[str, str]]
    sections: list[tuple[str, list[Table]]]  # (section heading, tables)
    charts: dict[str, pd.DataFrame]  # chart key -> data (see gwlib.brief.charts)
    next_steps: list[str]
    checklist: Checklist | None = field(default=None, repr=False)
    notice: str = ""  # "模拟数据：…" on demo data, printed under the title of every pack

    @property
    def title(self) -> str:
        return f"{self.region}地下水污染防治工作联席会议简报（{self.year} 年）"

    def tables(self) -> list[Table]:
        return [t for _, ts in self.sections for t in ts]


#: The label of a totals row.
TOTAL = "合计"
#: Overdue wells listed by name in 表5 (all are counted in its title).
OVERDUE_LISTED = 20


def pct(x: float) -> str:
    return f"{x:.1f}%"


def _frame(rows: Sequence[Mapping[str, Any]], columns: list[str]) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=columns)
    return f.astype(str) if len(f) else f


def _quality(
    a: pd.DataFrame, year: int, period: str, standard: StandardSet,
    exceedances: pd.DataFrame | None = None,
) -> tuple[list[Table], pd.DataFrame, dict[str, float]]:
    """The quality tables from ``a``, the annual classes of ``period``'s samples (every 水期's
    when "") as the database keeps them (:func:`gwlib.store.summaries.annual`)."""
    cur, prev = a[a["year"] == year], a[a["year"] == year - 1]
    n = len(cur)
    dist_rows = []
    counts = cur["quality_class"].value_counts()
    prev_counts = prev["quality_class"].value_counts()
    for c in QualityClass:
        k = int(counts.get(int(c), 0))
        p = int(prev_counts.get(int(c), 0))
        dist_rows.append(
            {
                "水质类别": c.label,
                "点位数（个）": k,
                "占比（%）": pct(k / n * 100 if n else 0.0),
                "上年点位数（个）": p,
                "上年占比（%）": pct(p / len(prev) * 100 if len(prev) else 0.0),
            }
        )
    dist_rows.append({"水质类别": TOTAL, "点位数（个）": n, "占比（%）": pct(100.0 if n else 0.0),
                      "上年点位数（个）": len(prev),
                      "上年占比（%）": pct(100.0 if len(prev) else 0.0)})  # fmt: skip
    dist = _frame(dist_rows, list(dist_rows[0]))
    yoy = year_over_year(a, year)["change"].value_counts()
    change = {c: int(yoy.get(c, 0)) for c in CHANGES}
    change_t = _frame(
        [*({"变化": k, "点位数（个）": v} for k, v in change.items()),
         {"变化": TOTAL, "点位数（个）": sum(change.values())}],
        ["变化", "点位数（个）"],
    )  # fmt: skip
    fail = cur[cur["quality_class"] > cur["target_class"]].sort_values(["category", "point"])
    if exceedances is not None and len(fail):  # values and 超标倍数, as the overview shows them
        detail = limiting_exceedances(fail, exceedances, standard)
        fail = fail.merge(detail, on=["point", "year"], how="left")
    else:
        fail = fail.assign(detail="")
    fail_rows = [
        {
            "点位编码": r["point"],
            "点位名称": r["point_name"],
            "点位类别": r["category"],
            "乡镇": r["township"],
            "年度类别": QualityClass(int(r["quality_class"])).label,
            "目标类别": QualityClass(int(r["target_class"])).label,
            "定类指标（监测值，超标倍数）": (
                r["detail"] if isinstance(r["detail"], str) and r["detail"]
                else standard.limiting_names(r["limiting"])
            ),
        }
        for r in fail.to_dict("records")
    ]
    fail_t = _frame(fail_rows, ["点位编码", "点位名称", "点位类别", "乡镇", "年度类别",
                                "目标类别", "定类指标（监测值，超标倍数）"])  # fmt: skip
    # Red only where it says something: the failing points whose class worsened this year.
    before = dict(zip(prev["point"], prev["quality_class"], strict=True))
    worse_rows = tuple(
        i for i, r in enumerate(fail.to_dict("records"))
        if r["point"] in before and r["quality_class"] > before[r["point"]]
    )  # fmt: skip
    figures = {
        "points": float(n),
        "good": share_of(cur, GROUPS["Ⅰ–Ⅲ类"]),
        "v": v_share(cur),
        "fail": float(len(fail)),
    }
    where = f"（{period}）" if period else ""
    tables = [
        Table(f"表1 {year} 年监测点位水质类别分布{where}", dist, note=STANDARD_NOTE),
        Table(
            f"表2 {year} 年点位水质类别与上年比较{where}",
            change_t,
            highlight=(CHANGES.index(CHANGE_WORSE),) if change[CHANGE_WORSE] else (),
        ),
        Table(
            f"表3 {year} 年未达到目标类别的点位{where}",
            fail_t,
            highlight=worse_rows,
            note="表中均为未达到目标类别的点位；红色为类别较上年变差的点位。",
        ),
    ]
    chart = pd.DataFrame(
        {
            "label": [c.label for c in QualityClass],
            "points": [int(counts.get(int(c), 0)) for c in QualityClass],
            "prev": [int(prev_counts.get(int(c), 0)) for c in QualityClass],
        }
    )
    return tables, chart, figures


def _other_uses(store: Store, as_of: dt.date) -> tuple[list[Table], dict[str, int]]:
    """表3（续）: 回灌 and 地热尾水 points against their requirement, and their 报备 — only
    where the register has such points."""
    checks, _ = stored_checks(store, store.points(), as_of)
    late = checks["filing"].isin([FILING_OVERDUE, NOT_FILED])
    exceeded = checks["result"] == EXCEEDED
    figures = {"late": int(late.sum()), "exceeded": int(exceeded.sum())}
    if checks.empty:
        return [], figures
    cols = ["point", "point_name", "purpose", "date", "result", "exceeding", "filing", "filed_on"]
    shown = checks[cols].rename(columns=POINT_CHECK_LABELS).replace("", "—").astype(str)
    requirement = "、".join(sorted(set(checks["requirement"])))
    return [Table(
        f"表3（续） 回灌、地热尾水点位水质与报备（截至 {as_of}）", shown,
        highlight=tuple(i for i, bad in enumerate(late | exceeded) if bad),
        note=f"按{requirement}（县级配置）判定；红色为超标、报备逾期或未报备的点位。",
    )], figures


def _wells(
    wells: pd.DataFrame, as_of: dt.date
) -> tuple[list[Table], pd.DataFrame, dict[str, float]]:
    fig = ledger_figures(wells, as_of)
    g = township_progress(wells, as_of).sort_values("township")
    rows = [
        {
            "乡镇": r["township"],
            "清单井数（眼）": int(r["wells"]),
            "已封井（眼）": int(r["sealed"]),
            "已验收销号（眼）": int(r["accepted"]),
            "暂缓（眼）": int(r["deferred"]),
            "逾期未封（眼）": int(r["overdue"]),
            "所有权人不明（眼）": int(r["owner_unknown"]),
            "封井完成率（%）": pct(float(r["sealed_share"])),
        }
        for r in g.to_dict("records")
    ]
    cols = list(rows[0]) if rows else ["乡镇"]
    if rows:  # 合计: sums, and the rate of the sums (never a sum or mean of rates)
        counted = ("wells", "sealed", "accepted", "deferred", "overdue", "owner_unknown")
        sums = {c: int(g[c].sum()) for c in counted}
        due = sums["wells"] - sums["deferred"]
        rows.append({
            "乡镇": TOTAL, "清单井数（眼）": sums["wells"], "已封井（眼）": sums["sealed"],
            "已验收销号（眼）": sums["accepted"], "暂缓（眼）": sums["deferred"],
            "逾期未封（眼）": sums["overdue"], "所有权人不明（眼）": sums["owner_unknown"],
            "封井完成率（%）": pct(sums["sealed"] * 100.0 / due if due else 0.0),
        })  # fmt: skip
    by_town = _frame(rows, cols)
    hi = tuple(i for i, r in enumerate(rows)
               if r["乡镇"] != TOTAL and int(str(r["逾期未封（眼）"])) > 0)  # fmt: skip
    od_rows = [
        {
            "井编码": r["code"],
            "乡镇": r["township"],
            "类别": r["category"],
            "状态": r["status"],
            "计划完成日期": str(r["planned_completion"]),
            "责任主体": r["responsible_party"] or "（不明）",
        }
        for r in overdue_list(wells, as_of).head(OVERDUE_LISTED).to_dict("records")
    ]
    n_overdue = len(overdue_list(wells, as_of))
    od_t = _frame(od_rows, ["井编码", "乡镇", "类别", "状态", "计划完成日期", "责任主体"])
    figures = {
        "total": float(fig.total),
        "sealed": float(fig.sealed),
        "sealed_pct": fig.completion_rate,
        "overdue": float(fig.overdue),
        "unknown": float(fig.owner_unknown),
    }
    tables = [
        Table(
            "表4 报废矿井、钻井、取水井封井回填进度（按乡镇）",
            by_town,
            highlight=hi,
            note="红色为有逾期未封井的乡镇。"
            "封井完成率 =（已封井待验收 + 已验收销号）/（清单井数 − 暂缓）。",
        ),
        Table(
            f"表5 逾期未完成封井回填的井（截至 {as_of}，共 {n_overdue} 眼"
            + (f"，列出前 {OVERDUE_LISTED} 眼）" if n_overdue > OVERDUE_LISTED else "）"),
            od_t,  # every row is overdue: no red that would mark them all
        ),
    ]
    chart = pd.DataFrame(
        {
            "township": g["township"],
            "accepted": g["accepted"],
            "sealed": g["sealed"] - g["accepted"],
            "open": g["wells"] - g["sealed"] - g["deferred"],
            "deferred": g["deferred"],
        }
    )
    return tables, _chart_townships(chart.reset_index(drop=True)), figures


#: Bars the township chart draws at most: beyond it (a city's or province's hundreds of
#: townships) it draws the townships with the most wells still open and says in a note how many
#: townships and open wells it leaves out, so the chart stays legible and quick to draw. 表4
#: still lists every township.
CHART_TOWNSHIPS = 20


def _chart_townships(chart: pd.DataFrame) -> pd.DataFrame:
    if len(chart) <= CHART_TOWNSHIPS:
        return chart
    order = chart.sort_values(["open", "township"], ascending=[False, True])
    top, rest = order.head(CHART_TOWNSHIPS).reset_index(drop=True), order.iloc[CHART_TOWNSHIPS:]
    top.attrs["note"] = (f"未封井最多的 {CHART_TOWNSHIPS} 个乡镇；其余 {len(rest)} 个乡镇"
                         f"（未封井 {int(rest['open'].sum())} 眼）见表4")  # fmt: skip
    return top


def _sources(sources: pd.DataFrame, zones: pd.DataFrame, pollution: pd.DataFrame) -> list[Table]:
    src_rows = [
        {
            "水源地": r["name"],
            "规模": r["scale"],
            "乡镇": r["township"],
            "服务人口（人）": int(r["population"]),
            "保护区划定": r["zones_status"],
            "补给区划定": r["recharge_status"],
        }
        for r in sources.to_dict("records")
    ]
    src = _frame(src_rows, ["水源地", "规模", "乡镇", "服务人口（人）", "保护区划定", "补给区划定"])
    hi = tuple(i for i, r in enumerate(src_rows) if r["补给区划定"] == "未划定")
    z = zones.groupby(["kind", "legal_status"]).size().unstack(fill_value=0)
    z_rows = [
        {"分区类型": k, **{s: int(z.loc[k].get(s, 0)) for s in ("未划定", "初步划定", "已批复")}}
        for k in z.index
    ]
    zt = _frame(z_rows, ["分区类型", "未划定", "初步划定", "已批复"])
    zt.columns = ["分区类型", "未划定（个）", "初步划定（个）", "已批复（个）"]
    p = pollution.assign(group=pollution["category"].map(lambda c: PollutionCategory(c).group))
    p_rows = []
    for grp, g in p.groupby("group", sort=False):
        p_rows.append(
            {
                "污染源类型": grp,
                "数量（处）": len(g),
                "重点排污单位（家）": int(g["key_discharger"].astype(bool).sum()),
                "已联网（家）": int(
                    (g["key_discharger"].astype(bool) & g["networked"].astype(bool)).sum()
                ),
                "防渗改造完成（处）": int((g["seepage_status"] == WorkStatus.DONE.value).sum()),
                "调查评估完成（处）": int((g["survey_status"] == WorkStatus.DONE.value).sum()),
            }
        )
    pt = _frame(p_rows, list(p_rows[0]) if p_rows else ["污染源类型"])
    return [
        Table(
            "表6 地下水型饮用水水源保护区与补给区划定情况",
            src,
            highlight=hi,
            note="红色为补给区尚未划定的水源地。",
        ),
        Table("表7 地下水污染防治分区与保护区划定情况", zt),
        Table("表8 污染源监管情况（一企一库、两场两区、加油站）", pt),
        *_enforcement(pollution),
    ]


def _enforcement(pollution: pd.DataFrame) -> list[Table]:
    """表8（续）: the sources inspected or with 违法线索 — only where the register records any."""
    if "inspections" not in pollution or pollution.empty:
        return []
    inspected = pollution["inspections"].fillna(0).astype(int)
    leads = pollution["violations"].fillna("").astype(str).str.strip()
    shown = pollution[(inspected > 0) | (leads != "")]
    if shown.empty:
        return []
    rows = [{"污染源": r["name"], "类型": r["category"], "乡镇": r["township"],
             "执法检查（次）": int(r["inspections"] or 0), "违法线索": str(r["violations"] or "")}
            for r in shown.to_dict("records")]  # fmt: skip
    frame = _frame(rows, list(rows[0]))
    hi = tuple(i for i, r in enumerate(rows) if r["违法线索"])
    return [Table(
        f"表8（续） 污染源执法检查与违法线索（检查 {int(inspected.sum())} 次，"
        f"有违法线索 {int((leads != '').sum())} 处）",
        frame,
        highlight=hi if len(hi) < len(rows) else (),  # red only where it distinguishes
        note="红色为有违法线索的污染源。" if len(hi) < len(rows) else "",
    )]  # fmt: skip


def _tasks(check: Checklist) -> tuple[list[Table], pd.DataFrame]:
    t = check.tasks
    rows = [
        {
            "序号": int(r["number"]),
            "任务": r["title"],
            "牵头单位": r["lead"],
            "完成时限": r["deadline_text"],
            "进度（%）": "—" if pd.isna(r["progress"]) else pct(float(r["progress"])),
            "状态": r["outlook"],
            "依据": r["metrics"]
            or (
                f"人工填报：{r['manual_status']}"
                + (f"（{r['evidence']}）" if r["evidence"] else "")
            ),
        }
        for r in t.to_dict("records")
    ]
    tt = _frame(rows, ["序号", "任务", "牵头单位", "完成时限", "进度（%）", "状态", "依据"])
    hi = tuple(i for i, r in enumerate(rows) if r["状态"] == LAGGING)
    d = check.by_department()
    dt_rows = [
        {
            "牵头单位": r["department"],
            "牵头任务（项）": int(r["tasks"]),
            "已完成（项）": int(r["done"]),
            "正常（项）": int(r["正常"]),
            "有风险（项）": int(r["有风险"]),
            "滞后（项）": int(r["滞后"]),
        }
        for r in d.to_dict("records")
    ]
    dtab = _frame(
        dt_rows,
        ["牵头单位", "牵头任务（项）", "已完成（项）", "正常（项）", "有风险（项）", "滞后（项）"],
    )
    goal_rows = [
        {
            "目标": g.name,
            "当前值": f"{g.value:.1f}{g.unit}",
            "目标值": f"{g.goal:.1f}{g.unit}",
            "上年": "—" if g.baseline is None else f"{g.baseline:.1f}{g.unit}",
            "状态": g.outlook,
        }
        for g in check.goals
    ]
    gt = _frame(goal_rows, ["目标", "当前值", "目标值", "上年", "状态"])
    tables = [
        Table(
            f"表9（续） {check.plan_title} 工作目标（数据指标）",
            gt,
            highlight=tuple(i for i, r in enumerate(goal_rows) if r["状态"] == LAGGING),
        ),
        Table(
            f"表10 {check.plan_title} 任务清单（截至 {check.as_of}，逾期与滞后在前）",
            tt,
            highlight=hi,
            note="红色为滞后任务。进度由台账与监测数据计算；无对应数据的任务为人工填报。",
        ),
        Table(
            "表11 各牵头单位任务进展",
            dtab,
            highlight=tuple(i for i, r in enumerate(dt_rows) if int(str(r["滞后（项）"])) > 0),
        ),
    ]
    chart = d.rename(columns={"department": "label"})
    return tables, chart


def plan_for(store: Store, year: int) -> pd.DataFrame:
    """Tasks of the plan of ``year``, or of the latest earlier plan."""
    all_tasks = store.plan_tasks()
    if all_tasks.empty:
        return all_tasks
    from gwlib.store.plans import current_plan_tasks

    years = sorted({int(y) for y in all_tasks["year"]})
    usable = [y for y in years if y <= year] or years[:1]
    return current_plan_tasks(store, usable[-1])


GOAL_HEADERS = {"goal": "目标", "points": "点位（个）", "failing": "未达标（个）",
                "failing_points": "未达标点位", "result": "结果"}  # fmt: skip


def goals_table(status: pd.DataFrame, plan_title: str) -> Table:
    """表9: the plan's water-quality targets on their points; only failing rows marked."""
    frame = status[list(GOAL_HEADERS)].rename(columns=GOAL_HEADERS)
    frame["未达标点位"] = frame["未达标点位"].replace("", "—")
    return Table(
        f"表9 {plan_title} 水质目标（按点位类别与监测用途）",
        frame.astype(str),
        highlight=tuple(i for i, r in enumerate(status["result"]) if r == "未达标"),
        note="按计划工作目标所列点位类别与监测用途逐点评价：年度类别（当年最差一次）达到目标类别即达标。",
    )


def brief_data(
    store: Store, year: int, period: str = "", as_of: dt.date | None = None
) -> BriefData:
    """Everything the brief shows, for ``year`` and 水期 ``period`` ("" = the whole year), at
    ``as_of`` (:mod:`gwlib.asof`; None: the database's declared as-of date, else the year's end),
    never later than the year's end."""
    year_end = dt.date(year, 12, 31)
    as_of = as_of_for_year(as_of or store_as_of(store, year_end), year)
    data = MetricData.from_store(store)
    q_tables, q_chart, q = _quality(summaries.annual(store, period), year, period,
                                    get_standard(), store.exceedances(year))  # fmt: skip
    w_tables, w_chart, w = _wells(data.wells, as_of)
    s_tables = _sources(data.sources, data.zones, data.pollution)
    uses, used = _other_uses(store, as_of)
    q_tables += uses
    plan = plan_for(store, year)
    region = store.get_meta("region") or (str(plan["region"].iloc[0]) if len(plan) else "")
    check = None
    t_tables: list[Table] = []
    t_chart = pd.DataFrame(columns=["label", "正常", "有风险", "滞后"])
    lagging: list[str] = []
    if len(plan):
        plan_year = int(plan["year"].iloc[0])
        statuses = task_statuses(store, plan_year, str(plan["plan_title"].iloc[0]))
        check = build_checklist(plan, statuses, data, as_of, year)
        t_tables, t_chart = _tasks(check)
        t_tables.insert(0, goals_table(goal_status(store, plan_year, as_of), check.plan_title))
        lag = check.tasks[check.tasks["outlook"] == LAGGING]
        lagging = [
            f"加快推进第 {r['number']} 项“{r['title']}”（{r['lead']}）"
            for r in lag.to_dict("records")
        ]
    headline = [
        ("已评价监测点位", f"{q['points']:.0f} 个"),
        ("Ⅰ–Ⅲ类点位占比", pct(q["good"])),
        ("Ⅴ类点位占比", pct(q["v"])),
        ("未达目标类别点位", f"{q['fail']:.0f} 个"),
        ("报废井清单", f"{w['total']:.0f} 眼"),
        ("封井完成率", pct(w["sealed_pct"])),
        ("逾期未封井", f"{w['overdue']:.0f} 眼"),
        ("滞后任务", f"{len(lagging)} 项"),
    ]
    steps = [*lagging[:8]]
    if w["overdue"]:
        steps.append(f"督促逾期未封的 {w['overdue']:.0f} 眼报废井责任主体限期封井回填")
    if w["unknown"]:
        steps.append(f"{OWNER_UNKNOWN_DUTY}（{w['unknown']:.0f} 眼）")
    if used["late"]:
        steps.append(f"督促 {used['late']} 个回灌、地热尾水点位的运营单位按期报备回灌水质监测结果")
    if used["exceeded"]:
        steps.append(f"对最近一次回灌水质超标的 {used['exceeded']} 个点位查明原因，"
                     "超标期间停止回灌")
    if q["fail"]:
        steps.append(
            f"对未达目标类别的 {q['fail']:.0f} 个点位开展成因分析，人为因素超标的制定整治方案"
        )
    sections = [
        ("一、地下水环境质量", q_tables),
        ("二、报废矿井、钻井、取水井封井回填", w_tables),
        ("三、饮用水水源、防治分区与污染源", s_tables),
        ("四、年度目标任务完成情况", t_tables),
    ]
    return BriefData(
        year=year,
        period=period,
        as_of=as_of,
        region=region,
        plan_title=check.plan_title if check else "",
        headline=headline,
        sections=sections,
        charts={"quality": q_chart, "wells": w_chart, "tasks": t_chart},
        next_steps=steps,
        checklist=check,
        notice=(store.get_meta("dataset_note") or "模拟数据")
        if store.get_meta("dataset") == "模拟数据" else "",
    )

"""``python -m gwlib …``: the scriptable face of gwlib for scheduled jobs.

Exit codes: 0 success; 2 input problems (each reported on stderr and in the report file);
1 any other failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from gwlib.errors import GwlibError
from gwlib.io.tables import Issue

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM: opens correctly in Excel on Chinese Windows
FLOAT_FORMAT = "%.10g"


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding=CSV_ENCODING, float_format=FLOAT_FORMAT)


def _cmd_grade(args: argparse.Namespace) -> int:
    from gwlib.assess import assess, class_code
    from gwlib.grading import NonDetectPolicy
    from gwlib.io.lab import read_lab_file
    from gwlib.standards import get_standard

    standard = get_standard(args.standard)
    batch = read_lab_file(args.input, standard)
    result = assess(batch.frame, standard, NonDetectPolicy(args.non_detect))
    s = result.samples
    out = pd.DataFrame(
        {
            "point": s["point"].astype("str"),
            "date": pd.to_datetime(s["date"]).dt.strftime("%Y-%m-%d"),
            "class": class_code(s["class"]),
            "limiting": s["limiting"],
        }
    )
    _write_csv(out, args.output)
    if args.detail is not None:
        d = result.detail
        names = pd.Series([i.name for i in standard.indicators] + [""])
        units = pd.Series([i.unit for i in standard.indicators] + [""])
        pos = d["indicator"].where(d["indicator"] >= 0, len(standard.indicators))
        detail = pd.DataFrame(
            {
                "point": d["point"],
                "date": pd.to_datetime(d["date"]).dt.strftime("%Y-%m-%d"),
                "indicator": names.iloc[pos].to_numpy(),
                "value": d["value"],
                "unit": units.iloc[pos].to_numpy(),
                "class": class_code(d["class"]),
                "censored": d["censored"],
                "exceedance": d["exceedance"],
                "qualifier": d["qualifier"],
                "reported_indicator": d["indicator_raw"],
                "reported_value": d["raw_value"],
                "reported_unit": d["raw_unit"],
                "row": d["row"],
                "note": d["note"],
            }
        ).sort_values(["point", "date", "row"], kind="stable")
        _write_csv(detail, args.detail)
    issues = batch.issues
    report_path = args.report or args.output.with_name(args.output.stem + ".report.csv")
    _report_issues(issues, report_path)
    graded = int((s["class"] > 0).sum())
    print(
        f"graded {graded} samples ({len(result.detail)} measurements) with {standard.code}; "
        f"{len(batch.errors)} rows rejected" + (f", see {report_path}" if issues else ""),
        file=sys.stderr,
    )
    return EXIT_INPUT if batch.errors else EXIT_OK


def _cmd_trend(args: argparse.Namespace) -> int:
    from gwlib.assess import assess
    from gwlib.io.lab import read_lab_file
    from gwlib.standards import get_standard
    from gwlib.trends import mann_kendall, series_from_detail

    standard = get_standard(args.standard)
    batch = read_lab_file(args.input, standard)
    detail = assess(batch.frame, standard).detail
    obs = series_from_detail(detail)
    season = "period" if args.seasonal else None
    res = mann_kendall(obs, ["point", "indicator"], season=season)
    names = [i.name for i in standard.indicators]
    out = res.assign(indicator=[names[int(i)] for i in res["indicator"]])
    _write_csv(
        out[["point", "indicator", "n", "s", "var_s", "z", "p", "tau", "slope", "category"]],
        args.output,
    )
    _report_issues(
        batch.issues, args.report or args.output.with_name(args.output.stem + ".report.csv")
    )
    print(
        f"tested {len(out)} series ({standard.code}); {len(batch.errors)} rows rejected",
        file=sys.stderr,
    )
    return EXIT_INPUT if batch.errors else EXIT_OK


def _report_issues(issues: Sequence[Issue], path: Path) -> None:
    """Write issues to ``path`` and stderr (nothing when there are none)."""
    if not issues:
        return
    rows = [
        {
            "file": i.file,
            "row": i.row,
            "column": i.column,
            "value": i.value,
            "reason": i.reason,
            "severity": i.severity,
        }
        for i in issues
    ]
    _write_csv(pd.DataFrame(rows).sort_values("row", kind="stable"), path)
    for i in issues:
        print(("错误：" if i.severity == "error" else "提示：") + i.message(), file=sys.stderr)


def _cmd_demo(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.demo import build_demo

    url = resolve_db_url(args.db)
    summary = build_demo(url, seed=args.seed, replace=args.replace, progress=_progress)
    print(summary, file=sys.stderr)
    return EXIT_OK


def _cmd_trends(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store

    with Store.open(resolve_db_url(args.db)) as store:
        n = store.refresh_trends()
    print(f"stored {n} trend results", file=sys.stderr)
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store
    from gwlib.store.backup import backup

    with Store.open(resolve_db_url(args.db)) as store:
        manifest = backup(store, args.output)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"backed up {len(manifest['tables'])} tables, {rows} rows to {args.output}",
          file=sys.stderr)
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store
    from gwlib.store.backup import restore

    with Store.open(resolve_db_url(args.db)) as store:
        manifest = restore(store, args.input, replace=args.replace)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"restored {rows} rows; every table's checksum verified", file=sys.stderr)
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store
    from gwlib.store.backup import verify

    with Store.open(resolve_db_url(args.db), migrate=False) as store:
        checks = verify(store, args.backup)
    bad = [c for c in checks if not c.same]
    for c in bad:
        print(f"不一致：表 {c.table}（备份 {c.backup_rows} 行）：{c.note}", file=sys.stderr)
    rows = sum(c.backup_rows for c in checks)
    if bad:
        print(f"核对 {len(checks)} 张表：{len(bad)} 张与备份 {args.backup} 不一致", file=sys.stderr)
        return EXIT_FAIL
    print(
        f"核对 {len(checks)} 张表、{rows} 行：与备份 {args.backup} 逐表一致（SHA-256）",
        file=sys.stderr,
    )
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store

    store = Store.open(resolve_db_url(args.db))
    print(f"database at revision {store.revision()}", file=sys.stderr)
    return EXIT_OK


def _cmd_plan_parse(args: argparse.Namespace) -> int:
    import json

    from gwlib.plans import parse_plan_file

    plans = parse_plan_file(args.input)
    if args.select:
        plans = [p for p in plans if args.select in p.title]
    rows = [{**t.to_json(), "plan": p.title} for p in plans for t in p.tasks]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    for p in plans:
        print(f"{p.title}（{p.year or '年度未识别'}）：{len(p.tasks)} 项任务", file=sys.stderr)
        for w in p.warnings:
            print(f"提示：{w}", file=sys.stderr)
    return EXIT_OK if rows else EXIT_INPUT


def _cmd_brief(args: argparse.Namespace) -> int:
    from gwlib.brief import build_pack
    from gwlib.config import resolve_db_url
    from gwlib.store import Store

    store = Store.open(resolve_db_url(args.db))
    build_pack(store, args.year, args.output, period=args.period, progress=_progress)
    print(f"简报已生成：{args.output}", file=sys.stderr)
    return EXIT_OK


def _progress(done: int, total: int, what: str) -> None:
    print(f"\r{what} {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gwlib", description="地下水污染防治数据工具")
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="按 GB/T 14848 评价检测结果（长表或宽表，CSV/XLSX）")
    g.add_argument("input", type=Path, help="检测结果文件（.csv UTF-8/GBK 或 .xlsx）")
    g.add_argument("-o", "--output", type=Path, required=True, help="每个样品一行的结果 CSV")
    g.add_argument("--detail", type=Path, help="每个监测值一行的明细 CSV")
    g.add_argument("--report", type=Path, help="无法读取的行（默认 OUTPUT.report.csv）")
    g.add_argument("--standard", default=None, help="标准编号（默认 GB/T 14848-2017）")
    g.add_argument(
        "--non-detect",
        default="detection_limit",
        choices=["detection_limit", "best", "exclude"],
        help="未检出的评价方式：按检出限所在类别（默认）/ 一律Ⅰ类 / 不参与评价",
    )
    g.set_defaults(func=_cmd_grade)

    t = sub.add_parser("trend", help="Mann-Kendall 趋势检验与 Sen 斜率（每个点位×指标一个序列）")
    t.add_argument("input", type=Path, help="检测结果文件（与 grade 相同的格式）")
    t.add_argument("-o", "--output", type=Path, required=True, help="每个序列一行的结果 CSV")
    t.add_argument("--report", type=Path, help="无法读取的行（默认 OUTPUT.report.csv）")
    t.add_argument("--standard", default=None, help="标准编号（默认 GB/T 14848-2017）")
    t.add_argument("--seasonal", action="store_true", help="按水期做季节性 Kendall 检验")
    t.set_defaults(func=_cmd_trend)

    d = sub.add_parser("demo", help="生成绛县模拟数据库")
    d.add_argument("--db", default=None, help="数据库 URL（默认 GWLIB_DB_URL 或内置 SQLite）")
    d.add_argument("--seed", type=int, default=140826)
    d.add_argument("--replace", action="store_true", help="清空已有数据后重建")
    d.set_defaults(func=_cmd_demo)

    r = sub.add_parser("trends", help="批量重算数据库中全部序列的趋势（计划任务用）")
    r.add_argument("--db", default=None)
    r.set_defaults(func=_cmd_trends)

    pl = sub.add_parser("plan", help="年度行动计划")
    plsub = pl.add_subparsers(dest="plan_command", required=True)
    pp = plsub.add_parser("parse", help="从计划文本（.txt/.docx）识别任务，写出 JSON")
    pp.add_argument("input", type=Path, help="计划文本（.txt UTF-8/GBK 或 .docx）")
    pp.add_argument("-o", "--output", type=Path, required=True, help="任务 JSON 文件")
    pp.add_argument("--select", default="", help="只保留标题含此文字的计划（一个文件含多个计划时）")
    pp.set_defaults(func=_cmd_plan_parse)

    b = sub.add_parser("brief", help="生成联席会议简报（.docx/.pptx/.pdf）")
    b.add_argument("--db", default=None, help="数据库 URL（默认 GWLIB_DB_URL 或内置 SQLite）")
    b.add_argument("--year", type=int, required=True, help="简报年度")
    b.add_argument("--period", default="", help="水期（丰水期/平水期/枯水期；默认全年）")
    b.add_argument("-o", "--output", type=Path, required=True, help="输出 .docx / .pptx / .pdf")
    b.set_defaults(func=_cmd_brief)

    b = sub.add_parser("backup", help="备份整个数据库到一个文件（含逐表校验和）")
    b.add_argument("--db", default=None)
    b.add_argument("-o", "--output", type=Path, required=True)
    b.set_defaults(func=_cmd_backup)

    rs = sub.add_parser("restore", help="从备份文件恢复到空数据库（校验和不符则回滚）")
    rs.add_argument("input", type=Path)
    rs.add_argument("--db", default=None)
    rs.add_argument("--replace", action="store_true", help="覆盖非空数据库")
    rs.set_defaults(func=_cmd_restore)

    v = sub.add_parser("verify", help="核对数据库与备份文件：逐表按备份时的列重算校验和")
    v.add_argument("backup", type=Path)
    v.add_argument("--db", default=None)
    v.set_defaults(func=_cmd_verify)

    m = sub.add_parser("migrate", help="创建或升级数据库结构")
    m.add_argument("--db", default=None)
    m.set_defaults(func=_cmd_migrate)

    from gwlib.cli_wells import add_parsers as add_ledger_parsers

    add_ledger_parsers(sub)  # wells import/export/template, users add/set/list
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except GwlibError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INPUT

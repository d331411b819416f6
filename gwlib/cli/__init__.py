"""``python -m gwlib …``: the scriptable face of gwlib for scheduled jobs.

Exit codes: 0 success; 2 input problems (each reported on stderr and in the report file);
1 any other failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from gwlib.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, report_issues, write_csv
from gwlib.errors import GwlibError


def _cmd_grade(args: argparse.Namespace) -> int:
    from gwlib.io.lab import read_lab_file
    from gwlib.quality.assess import assess, class_code
    from gwlib.quality.grading import NonDetectPolicy
    from gwlib.quality.requirements import EXCEEDED, check, get_requirement, requirements
    from gwlib.quality.standards import available_standards, get_standard

    requirement = get_requirement(args.standard) if args.standard else None
    if args.standard and requirement is None and args.standard not in available_standards():
        raise GwlibError(f"未知的标准或要求：{args.standard}"
                         f"（标准：{'、'.join(available_standards())}；"
                         f"达标判定要求：{'、'.join(requirements()) or '无'}）")
    if requirement is None and args.group:
        raise GwlibError(f"--group 只用于按要求判定（达标/超标）的标准，"
                         f"{args.standard or '默认标准'} 不分组")
    standard = (requirement.reading_standard if requirement is not None
                else get_standard(args.standard))
    if requirement is not None:
        requirement.limits_for(args.group or "")  # a grouped requirement needs its group first
    batch = read_lab_file(args.input, standard)
    result = assess(batch.frame, standard, NonDetectPolicy(args.non_detect))
    s = result.samples
    dates = pd.to_datetime(s["date"]).dt.strftime("%Y-%m-%d")
    if requirement is not None:
        judged, measured = check(result.detail.assign(name=result.detail["indicator_raw"],
                                                      unit=result.detail["raw_unit"]),
                                 requirement, args.group or "")
        out = pd.DataFrame({"point": judged["point"].astype("str"),
                            "date": pd.to_datetime(judged["date"]).dt.strftime("%Y-%m-%d"),
                            "result": judged["result"], "exceeding": judged["exceeding"],
                            "undetermined": judged["undetermined"]})
        done = f"judged {len(judged)} samples ({len(measured)} measurements) against " \
               f"{requirement.code}{f' ({args.group})' if args.group else ''}: " \
               f"{int((judged['result'] == EXCEEDED).sum())} exceeded"
    else:
        out = pd.DataFrame({"point": s["point"].astype("str"), "date": dates,
                            "class": class_code(s["class"]), "limiting": s["limiting"]})
        done = f"graded {int((s['class'] > 0).sum())} samples " \
               f"({len(result.detail)} measurements) with {standard.code}"
    write_csv(out, args.output)
    if args.detail is not None and requirement is not None:
        measured = measured.assign(date=pd.to_datetime(measured["date"]).dt.strftime("%Y-%m-%d"))
        write_csv(measured.sort_values(["point", "date"], kind="stable"), args.detail)
    elif args.detail is not None:
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
        write_csv(detail, args.detail)
    issues = batch.issues
    report_path = args.report or args.output.with_name(args.output.stem + ".report.csv")
    report_issues(issues, report_path)
    print(
        f"{done}; {len(batch.errors)} rows rejected" + (f", see {report_path}" if issues else ""),
        file=sys.stderr,
    )
    return EXIT_INPUT if batch.errors else EXIT_OK


def _cmd_trend(args: argparse.Namespace) -> int:
    from gwlib.io.lab import read_lab_file
    from gwlib.quality.assess import assess
    from gwlib.quality.standards import get_standard
    from gwlib.quality.trends import mann_kendall, series_from_detail

    standard = get_standard(args.standard)
    batch = read_lab_file(args.input, standard)
    detail = assess(batch.frame, standard).detail
    obs = series_from_detail(detail)
    season = "period" if args.seasonal else None
    res = mann_kendall(obs, ["point", "indicator"], season=season)
    names = [i.name for i in standard.indicators]
    out = res.assign(indicator=[names[int(i)] for i in res["indicator"]])
    write_csv(
        out[["point", "indicator", "n", "s", "var_s", "z", "p", "tau", "slope", "category"]],
        args.output,
    )
    report_issues(
        batch.issues, args.report or args.output.with_name(args.output.stem + ".report.csv")
    )
    print(
        f"tested {len(out)} series ({standard.code}); {len(batch.errors)} rows rejected",
        file=sys.stderr,
    )
    return EXIT_INPUT if batch.errors else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.demo import build_demo

    url = resolve_db_url(args.db)
    summary = build_demo(url, seed=args.seed, replace=args.replace, progress=_progress)
    print(summary, file=sys.stderr)
    return EXIT_OK


def _cmd_trends(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.quality.trends import refresh_trends
    from gwlib.store import Store
    from gwlib.store.summaries import refresh

    with Store.open(resolve_db_url(args.db)) as store:
        n = refresh_trends(store)
        refresh(store)
    print(f"stored {n} trend results", file=sys.stderr)
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store
    from gwlib.store.backup import backup

    with Store.open(resolve_db_url(args.db)) as store:
        manifest = backup(store, args.output)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"backed up {len(manifest['tables'])} tables, {rows} rows to {args.output} (signed)",
          file=sys.stderr)  # fmt: skip
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    import datetime as dt

    from gwlib.config import data_dir, resolve_db_url
    from gwlib.store import Store
    from gwlib.store.backup import backup, inspect_backup, restore

    with Store.open(resolve_db_url(args.db)) as store:
        plan = inspect_backup(store, args.input, args.replace, allow_unsigned=args.unsigned_ok)
        for line in plan.describe():
            print(line, file=sys.stderr)
        if not args.yes:
            print("确认恢复？输入 yes 继续，其他输入取消：", end="", file=sys.stderr, flush=True)
            answer = sys.stdin.readline()
            if answer.strip().lower() != "yes":
                why = "" if answer else "（没有读到确认；脚本中请加 --yes）"
                print(f"\n已取消，数据库未改动{why}", file=sys.stderr)
                return EXIT_FAIL
        if args.replace and any(plan.current_rows.values()):
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = data_dir() / "backups" / f"before-restore-{stamp}.gwbak"
            backup(store, kept)
            print(f"替换前已把当前数据库备份到 {kept}", file=sys.stderr)
        manifest = restore(store, args.input, args.replace, allow_unsigned=args.unsigned_ok,
                           expect_digest=plan.digest)  # fmt: skip
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"已恢复 {rows} 行：" + ("签名有效，" if plan.signed else "未签名，")
          + "每个表的内容与清单一致", file=sys.stderr)  # fmt: skip
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
    import sqlalchemy as sa

    from gwlib.config import resolve_db_url
    from gwlib.store import Store
    from gwlib.store.roles import app_role_grants, grant_app_role, require_postgresql

    url = resolve_db_url(args.db)
    if args.dry_run:
        if not args.grant_app_role:
            raise GwlibError("--dry-run 只用于 --grant-app-role：打印授权语句而不执行")
        parsed = sa.engine.make_url(url)
        require_postgresql(parsed.get_backend_name())
        database = parsed.database or ""
        for statement in app_role_grants(args.grant_app_role, database):
            print(statement + ";")
        return EXIT_OK
    with Store.open(url) as store:
        print(f"database at revision {store.revision()}", file=sys.stderr)
        if args.grant_app_role:
            for statement in grant_app_role(store, args.grant_app_role):
                print(statement + ";")
            print(f"已授权应用角色「{args.grant_app_role}」：历史表只读可追加，其他表可读写",
                  file=sys.stderr)
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
    from gwlib.asof import store_as_of
    from gwlib.brief import build_pack
    from gwlib.config import resolve_db_url
    from gwlib.store import Store

    store = Store.open(resolve_db_url(args.db))
    as_of = store_as_of(store, dt.date.today())  # the CLI, like the app, supplies "today"
    build_pack(
        store, args.year, args.output, period=args.period, progress=_progress, as_of=as_of
    )
    print(f"简报已生成：{args.output}", file=sys.stderr)
    return EXIT_OK


def _progress(done: int, total: int, what: str) -> None:
    print(f"\r{what} {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gwlib", description="地下水污染防治数据工具")
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser(
        "grade", help="按 GB/T 14848 评价检测结果，或按要求判定达标（长表或宽表，CSV/XLSX）")
    g.add_argument("input", type=Path, help="检测结果文件（.csv UTF-8/GBK 或 .xlsx）")
    g.add_argument("-o", "--output", type=Path, required=True, help="每个样品一行的结果 CSV")
    g.add_argument("--detail", type=Path, help="每个监测值一行的明细 CSV")
    g.add_argument("--report", type=Path, help="无法读取的行（默认 OUTPUT.report.csv）")
    g.add_argument("--standard", default=None,
                   help="标准编号（默认 GB/T 14848-2017），或达标判定的要求编号（如 回灌水质要求）")
    g.add_argument("--group", default=None, help="按分组给限值的要求所用的分组（如作物类别）")
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

    b = sub.add_parser("backup", help="备份整个数据库到一个文件（逐表校验和，用本机密钥签名）")
    b.add_argument("--db", default=None)
    b.add_argument("-o", "--output", type=Path, required=True)
    b.set_defaults(func=_cmd_backup)

    rs = sub.add_parser(
        "restore",
        help="从备份文件恢复：核对签名，列出备份中的用户和角色，确认后在一个事务内写入（不符则回滚）",
    )
    rs.add_argument("input", type=Path)
    rs.add_argument("--db", default=None)
    rs.add_argument(
        "--replace",
        action="store_true",
        help="替换非空数据库（删表重建，PostgreSQL 上须用所有者角色；替换前自动备份当前数据库）",
    )
    rs.add_argument("--yes", action="store_true", help="不询问，直接恢复（脚本用；摘要照样显示）")
    rs.add_argument(
        "--unsigned-ok",
        action="store_true",
        help="接受没有签名的备份（本系统早期版本所做）；签名不符的备份无论如何都拒绝",
    )
    rs.set_defaults(func=_cmd_restore)

    v = sub.add_parser("verify", help="核对数据库与备份文件：逐表按备份时的列重算校验和")
    v.add_argument("backup", type=Path)
    v.add_argument("--db", default=None)
    v.set_defaults(func=_cmd_verify)

    m = sub.add_parser("migrate", help="创建或升级数据库结构（用数据库所有者角色执行）")
    m.add_argument("--db", default=None)
    m.add_argument(
        "--grant-app-role",
        metavar="ROLE",
        help="PostgreSQL：迁移后给应用角色授权（历史表只能 SELECT/INSERT，其他表 SELECT/INSERT/"
        "UPDATE/DELETE），并打印所执行的语句；每次迁移后都要执行",
    )
    m.add_argument(
        "--dry-run", action="store_true", help="只打印 --grant-app-role 的授权语句，不连接数据库"
    )
    m.set_defaults(func=_cmd_migrate)

    from gwlib.cli.county import add_parsers as add_county_parsers
    from gwlib.cli.points import add_parsers as add_points_parsers
    from gwlib.cli.projects import add_parsers as add_projects_parsers
    from gwlib.cli.registers import add_parsers as add_register_parsers
    from gwlib.cli.results import add_parsers as add_results_parsers
    from gwlib.cli.rounds import add_parsers as add_rounds_parsers
    from gwlib.cli.wells import add_parsers as add_ledger_parsers
    from gwlib.cli.zones import add_parsers as add_zones_parsers

    add_ledger_parsers(sub)  # wells import/export/template, users add/set/list
    add_results_parsers(sub)  # results import/withdraw/batches, classes
    add_county_parsers(sub)  # init
    add_points_parsers(sub)  # points import/export/template
    add_projects_parsers(sub)  # projects import/export/template
    add_rounds_parsers(sub)  # rounds open/list/report/act/respond, bulletin
    add_zones_parsers(sub)  # zones import
    add_register_parsers(sub)  # sources / pollution import/export/template
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except GwlibError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INPUT

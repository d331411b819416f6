"""``python -m gwlib sources …`` (饮用水水源地登记表) and ``pollution …`` (污染源登记表).

::

    python -m gwlib sources import FILE --db URL [--dry-run] [--report R.csv] [--crs CRS]
    python -m gwlib sources export --db URL -o FILE.xlsx|.csv
    python -m gwlib sources template -o FILE.xlsx
    python -m gwlib pollution import|export|template …   (the same)

The last line of an import is ``imported N, updated M, unchanged U, rejected K``: N, M and U count
records (by code), K counts input rows. Exit code 2 when rows were rejected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor, open_store, report_issues


def _spec(args: argparse.Namespace) -> Any:
    from gwlib.sources.register_spec import REGISTERS

    return REGISTERS[args.register]


def _progress(done: int, total: int) -> None:
    print(f"\rrecords {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def _cmd_import(args: argparse.Namespace) -> int:
    from gwlib.store.registers import commit_register, prepare_register

    spec = _spec(args)
    store = open_store(args.db)
    plan = prepare_register(store, spec, args.input, default_crs=args.crs)
    report = args.report or args.input.with_name(args.input.stem + ".report.csv")
    report_issues(plan.issues, report)
    if args.dry_run:
        print("dry run: nothing written（只检查，未写入）", file=sys.stderr)
        print(plan.summary())
    else:
        result = commit_register(store, plan, cli_actor(), _progress)
        print(
            f"导入批次 {result.batch_id}：{spec.title}，修改 {len(plan.changes)} 个字段"
            "（已记入审计日志）",
            file=sys.stderr,
        )
        print(result.summary())
    return EXIT_INPUT if plan.rejected_rows else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from gwlib.sources.register_spec import register_bytes
    from gwlib.store.registers import stored_register

    spec = _spec(args)
    stored = stored_register(open_store(args.db), spec)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(register_bytes(spec, stored, args.output.suffix or ".xlsx"))
    print(f"exported {len(stored)} records to {args.output}", file=sys.stderr)
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from gwlib.sources.register_spec import template_bytes

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(template_bytes(_spec(args)))
    print(f"template written to {args.output}", file=sys.stderr)
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    """Register ``sources`` and ``pollution`` on the main parser's subparsers."""
    for register, title in (("sources", "饮用水水源地登记表"), ("pollution", "污染源登记表")):
        p = sub.add_parser(register, help=f"{title}：导入、导出、模板")
        ps = p.add_subparsers(dest=f"{register}_command", required=True)
        i = ps.add_parser("import", help=f"导入{title}（.xlsx/.csv），按编码新增或更新，一个事务")
        i.add_argument("input", type=Path)
        i.add_argument("--db", default=None, help="数据库 URL（默认 GWLIB_DB_URL 或内置 SQLite）")
        i.add_argument("--report", type=Path, help="拒收与提示的行（默认 FILE.report.csv）")
        i.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        i.add_argument(
            "--crs",
            default=None,
            help="X坐标/Y坐标的默认坐标系（行内「坐标系」优先），如 EPSG:4546",
        )
        i.set_defaults(func=_cmd_import, register=register)
        e = ps.add_parser("export", help=f"导出{title}（.xlsx 或 .csv，与模板同表头，可再导入）")
        e.add_argument("--db", default=None)
        e.add_argument("-o", "--output", type=Path, required=True)
        e.set_defaults(func=_cmd_export, register=register)
        t = ps.add_parser("template", help="空白模板（中文表头、下拉列表、填表说明）")
        t.add_argument("-o", "--output", type=Path, required=True)
        t.set_defaults(func=_cmd_template, register=register)

"""``python -m gwlib points …``: the monitoring point register (监测点位登记表).

::

    python -m gwlib points import FILE --db URL [--crs CRS] [--report R.csv] [--dry-run]
    python -m gwlib points export --db URL -o FILE.csv|.xlsx
    python -m gwlib points template -o FILE.xlsx

The last line of an import is ``imported N, updated M, unchanged U, rejected K``: N, M and U
count points, K counts input rows. Exit code 2 when rows were rejected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor, open_store, report_issues


def _cmd_import(args: argparse.Namespace) -> int:
    from gwlib.quality.register import CHANGED, NEW, SAME
    from gwlib.store.points import commit_points, plan_from_store

    store = open_store(args.db)
    plan = plan_from_store(store, str(args.input), default_crs=args.crs)
    report = args.report or args.input.with_name(args.input.stem + ".report.csv")
    report_issues(plan.issues, report)
    for r in plan.changes.to_dict("records"):
        print(f"修改：{r['point']} {r['field']}：{r['old']} → {r['new']}", file=sys.stderr)
    c = plan.counts
    if args.dry_run:
        print(f"imported {c[NEW]}, updated {c[CHANGED]}, unchanged {c[SAME]}, "
              f"rejected {plan.rejected_rows} (dry run: nothing written)")  # fmt: skip
        return EXIT_INPUT if plan.rejected_rows else EXIT_OK
    print(commit_points(store, plan, cli_actor()).summary())
    return EXIT_INPUT if plan.rejected_rows else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from gwlib.quality.register import register_bytes

    points = open_store(args.db).points()
    args.output.write_bytes(register_bytes(points, args.output.suffix))
    print(f"wrote {len(points)} points to {args.output}", file=sys.stderr)
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from gwlib.quality.register import template_bytes

    args.output.write_bytes(template_bytes())
    print(f"wrote the template to {args.output}", file=sys.stderr)
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("points", help="监测点位登记表：导入、导出、模板")
    psub = p.add_subparsers(dest="points_command", required=True)
    pi = psub.add_parser("import", help="导入点位登记表（CSV/XLSX），按点位编码新增或更新")
    pi.add_argument("input", type=Path, help="点位登记表文件")
    pi.add_argument("--db", default=None, help="数据库 URL（默认 GWLIB_DB_URL 或内置 SQLite）")
    pi.add_argument("--crs", default=None,
                    help="X坐标/Y坐标 的坐标系（行内「坐标系」列为空时使用），如 EPSG:4546、"
                         "「CGCS2000 3度带 37带」")  # fmt: skip
    pi.add_argument("--report", type=Path, help="拒收与提示的行（默认 FILE.report.csv）")
    pi.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    pi.set_defaults(func=_cmd_import)
    pe = psub.add_parser("export", help="导出点位登记表（与模板同表头，含 WGS 84 经度/纬度）")
    pe.add_argument("--db", default=None)
    pe.add_argument("-o", "--output", type=Path, required=True, help="输出 .csv 或 .xlsx")
    pe.set_defaults(func=_cmd_export)
    pt = psub.add_parser("template", help="写出空白点位登记表模板（含下拉选项和填表说明）")
    pt.add_argument("-o", "--output", type=Path, required=True, help="输出 .xlsx")
    pt.set_defaults(func=_cmd_template)

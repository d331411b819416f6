"""``python -m gwlib zones import``: protection zones, 补给区, prevention zones and 乡镇
boundaries from a zipped Shapefile, GeoJSON, KML/KMZ or a 拐点坐标表.

::

    python -m gwlib zones import FILE --db URL --kind KIND [--source CODE] [--crs CRS]
                                 [--report R.csv] [--dry-run]

The last line is ``imported N, updated M, unchanged U, rejected K``: N, M and U count zones,
K counts features (or polygons of a 拐点坐标表) rejected. Exit code 2 when any was rejected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor, open_store, report_issues


def _cmd_import(args: argparse.Namespace) -> int:
    from gwlib.sources.zone_import import CHANGED, NEW, SAME
    from gwlib.store.zones import commit_zones, prepare_zones

    store = open_store(args.db)
    plan = prepare_zones(store, args.input.read_bytes(), args.input.name, args.kind,
                         args.source or "", args.crs)  # fmt: skip
    report = args.report or args.input.with_name(args.input.stem + ".report.csv")
    report_issues(plan.issues, report)
    if plan.errors and not plan.zones and not args.crs and any(
        i.column == "坐标系" for i in plan.errors
    ):
        print("提示：用 --crs 指定坐标系，如 --crs EPSG:4546 或 --crs 「CGCS2000 3度带 37带」",
              file=sys.stderr)  # fmt: skip
    for r in plan.changes.to_dict("records"):
        print(f"修改：{r['code']} {r['field']}：{r['old']} → {r['new']}", file=sys.stderr)
    c = plan.counts
    line = f"imported {c[NEW]}, updated {c[CHANGED]}, unchanged {c[SAME]}, rejected {plan.rejected}"
    if args.dry_run:
        print(line + " (dry run: nothing written)")
    else:
        print(commit_zones(store, plan, cli_actor()).summary())
    return EXIT_INPUT if plan.rejected or plan.errors else EXIT_OK


def add_parsers(sub: Any) -> None:
    from gwlib.sources.zone_import import KINDS

    z = sub.add_parser("zones", help="导入保护区、补给区、防治分区和乡镇界")
    zs = z.add_subparsers(dest="zones_command", required=True)
    zi = zs.add_parser("import", help="导入面（Shapefile zip、GeoJSON、KML/KMZ、拐点坐标表）")
    zi.add_argument("input", type=Path, help="文件")
    zi.add_argument("--db", default=None)
    zi.add_argument("--kind", required=True, choices=KINDS, help="分区类型")
    zi.add_argument("--source", default=None, help="所属水源编码（一级/二级/准保护区必填）")
    zi.add_argument("--crs", default=None,
                    help="文件未注明坐标系时使用（如 EPSG:4546、"
                         "「CGCS2000 3度带 37带」）")  # fmt: skip
    zi.add_argument("--report", type=Path, help="拒收与提示（默认 FILE.report.csv）")
    zi.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    zi.set_defaults(func=_cmd_import)

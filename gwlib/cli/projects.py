"""``python -m gwlib projects …``: the 项目储备库.

::

    python -m gwlib projects import FILE --db URL [--report R.csv] [--dry-run]
    python -m gwlib projects export --db URL -o FILE.xlsx
    python -m gwlib projects template -o FILE.xlsx

The last line of an import is ``imported N, updated M, unchanged U, rejected K`` (projects;
K input rows). Exit code 2 when rows were rejected.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor, open_store, report_issues


def _cmd_import(args: argparse.Namespace) -> int:
    from gwlib.projects.register import CHANGED, NEW, SAME
    from gwlib.store.projects import commit_projects, prepare_projects

    store = open_store(args.db)
    plan = prepare_projects(store, args.input)
    report_issues(plan.issues, args.report or args.input.with_name(args.input.stem + ".report.csv"))
    c = plan.counts
    if args.dry_run:
        print(f"imported {c[NEW]}, updated {c[CHANGED]}, unchanged {c[SAME]}, "
              f"rejected {plan.rejected_rows} (dry run: nothing written)")  # fmt: skip
    else:
        print(commit_projects(store, plan, cli_actor()).summary())
    return EXIT_INPUT if plan.rejected_rows else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from gwlib.projects.register import export_bytes
    from gwlib.store.projects import projects

    p = projects(open_store(args.db))
    args.output.write_bytes(export_bytes(p))
    print(f"wrote {len(p)} projects to {args.output}", file=sys.stderr)
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from gwlib.projects.register import template_bytes

    args.output.write_bytes(template_bytes())
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("projects", help="项目储备库：导入、导出、模板")
    ps = p.add_subparsers(dest="projects_command", required=True)
    i = ps.add_parser("import", help="导入项目储备库（按项目编码新增或更新，一个事务）")
    i.add_argument("input", type=Path)
    i.add_argument("--db", default=None)
    i.add_argument("--report", type=Path, help="拒收与提示（默认 FILE.report.csv）")
    i.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    i.set_defaults(func=_cmd_import)
    e = ps.add_parser("export", help="导出（与模板同表头，另加 资金执行率(%%)）")
    e.add_argument("--db", default=None)
    e.add_argument("-o", "--output", type=Path, required=True)
    e.set_defaults(func=_cmd_export)
    t = ps.add_parser("template", help="空白模板（下拉选项、填表说明）")
    t.add_argument("-o", "--output", type=Path, required=True)
    t.set_defaults(func=_cmd_template)

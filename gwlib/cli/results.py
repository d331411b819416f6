"""``python -m gwlib results …`` (monitoring results by import batch) and ``classes`` (the annual
classes as the app shows them).

::

    python -m gwlib results import FILE --db URL [--report R.csv] [--dry-run]
    python -m gwlib results withdraw B --db URL --reason TEXT
    python -m gwlib results batches --db URL
    python -m gwlib classes --db URL -o FILE.csv [--period 丰水期|平水期|枯水期]

The last line of an import is ``imported N, updated M, unchanged U, rejected K (batch B)``: N, M
and U count samples, K counts input rows. Exit code 2 when rows were rejected.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor, open_store, report_issues, write_csv


def _cmd_import(args: argparse.Namespace) -> int:
    from gwlib.quality.batches import commit_and_refresh
    from gwlib.quality.qc import qc_kinds_text
    from gwlib.store.results import prepare_results

    store = open_store(args.db)
    today = dt.date.today()  # the CLI supplies "today" (future sampling dates are suspicious)
    plan = prepare_results(store, args.input, today)
    issues = [*plan.issues, *plan.suspicious]
    report = args.report or args.input.with_name(args.input.stem + ".report.csv")
    report_issues(issues, report)
    if plan.unknown_points:
        print(
            f"提示：{len(plan.unknown_points)} 个点位编码不在点位登记表中（"
            + "、".join(plan.unknown_points[:10])
            + ("…" if len(plan.unknown_points) > 10 else "")
            + "）：先用 python -m gwlib points import 导入点位登记表，再导入检测结果",
            file=sys.stderr,
        )
    c = plan.counts
    qc = plan.qc_samples
    if len(qc):  # 平行样 and blanks: kept apart, never counted as the point's sample
        kinds = qc_kinds_text(qc)
        states = qc["status"].value_counts()
        print(f"质控样：{kinds}（新增 {states.get('新增', 0)}、修改 {states.get('修改', 0)}、"
              f"未变 {states.get('未变', 0)}），不计入水质类别和到报率",
              file=sys.stderr)  # fmt: skip
    if args.dry_run:
        print(
            f"imported {c['新增']}, updated {c['修改']}, unchanged {c['未变']}, "
            f"rejected {plan.rejected_rows} (dry run: nothing written)"
        )
        return EXIT_INPUT if plan.rejected_rows else EXIT_OK
    outcome = commit_and_refresh(store, plan, cli_actor())
    if len(outcome.class_changes):
        print(f"年度类别有变化的点位-年度：{len(outcome.class_changes)} 个", file=sys.stderr)
    print(outcome.result.summary() if outcome.result else "")
    return EXIT_INPUT if plan.rejected_rows else EXIT_OK


def _cmd_withdraw(args: argparse.Namespace) -> int:
    from gwlib.quality.batches import withdraw_and_refresh

    store = open_store(args.db)
    outcome = withdraw_and_refresh(store, args.batch, cli_actor(), args.reason)
    print(f"withdrew batch {args.batch} ({len(outcome.points)} points affected)")
    return EXIT_OK


def _cmd_batches(args: argparse.Namespace) -> int:
    from gwlib.store.results import batches

    b = batches(open_store(args.db))
    cols = ["id", "file_name", "user_name", "created_at", "n_new", "n_updated", "n_unchanged",
            "rows_rejected", "status", "withdraw_reason"]  # fmt: skip
    print(b[cols].to_string(index=False) if len(b) else "（还没有导入批次）")
    return EXIT_OK


def _cmd_qc(args: argparse.Namespace) -> int:
    from gwlib.store.qc import qc_report

    pairs, blanks = qc_report(open_store(args.db), args.limit)
    write_csv(pairs, args.output)
    line = f"wrote {len(pairs)} parallel measurements to {args.output}"
    if args.limit is not None:
        over = int((pairs["rd_pct"] > args.limit).sum())
        line += f" ({over} above {args.limit:g} %)"
    if args.blanks is not None:
        write_csv(blanks, args.blanks)
        line += f"; {len(blanks)} blank detections to {args.blanks}"
    print(line, file=sys.stderr)
    return EXIT_OK


def _cmd_classes(args: argparse.Namespace) -> int:
    from gwlib.quality.annual import annual_classes
    from gwlib.quality.assess import class_code
    from gwlib.quality.standards import get_standard

    store = open_store(args.db)
    samples = store.samples()
    if args.period:
        samples = samples[samples["period"] == args.period]
    a = annual_classes(samples)
    std = get_standard()
    out = pd.DataFrame(
        {
            "point": a["point"].astype("str"),
            "year": a["year"].astype("int64"),
            "class": class_code(a["quality_class"].astype("int64")),
            "limiting": a["limiting"].map(lambda s: std.limiting_names(s, sep=";")),
        }
    ).sort_values(["point", "year"])
    write_csv(out, args.output)
    print(f"wrote {len(out)} point-years to {args.output}", file=sys.stderr)
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    r = sub.add_parser("results", help="检测结果导入（按导入批次，可撤回）")
    rsub = r.add_subparsers(dest="results_command", required=True)
    ri = rsub.add_parser("import", help="导入检测结果（长表或宽表，CSV/XLSX），一个文件一个批次")
    ri.add_argument("input", type=Path, help="检测结果文件")
    ri.add_argument("--db", default=None, help="数据库 URL（默认 GWLIB_DB_URL 或内置 SQLite）")
    ri.add_argument("--report", type=Path, help="拒收与存疑的行（默认 FILE.report.csv）")
    ri.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
    ri.set_defaults(func=_cmd_import)
    rw = rsub.add_parser("withdraw", help="撤回一个导入批次（须说明原因）")
    rw.add_argument("batch", type=int, help="批次编号")
    rw.add_argument("--db", default=None)
    rw.add_argument("--reason", required=True, help="撤回原因")
    rw.set_defaults(func=_cmd_withdraw)
    rb = rsub.add_parser("batches", help="列出导入批次")
    rb.add_argument("--db", default=None)
    rb.set_defaults(func=_cmd_batches)
    rq = rsub.add_parser("qc", help="导出质控样：平行样逐项相对偏差、空白样检出")
    rq.add_argument("--db", default=None)
    rq.add_argument("-o", "--output", type=Path, required=True, help="平行样相对偏差 CSV")
    rq.add_argument("--blanks", type=Path, default=None, help="空白样检出 CSV（可选）")
    rq.add_argument("--limit", type=float, default=None,
                    help="相对偏差限值（%%）：超过的在「说明」中注明")  # fmt: skip
    rq.set_defaults(func=_cmd_qc)

    c = sub.add_parser("classes", help="导出各点位各年度的水质类别（与页面一致）")
    c.add_argument("--db", default=None)
    c.add_argument("-o", "--output", type=Path, required=True, help="输出 CSV")
    c.add_argument("--period", default="", choices=["", "丰水期", "平水期", "枯水期"],
                   help="只按某一水期评价（默认全年）")  # fmt: skip
    c.set_defaults(func=_cmd_classes)

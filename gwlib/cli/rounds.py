"""``python -m gwlib rounds …`` (调度: open a round, 填报, 督办) and ``bulletin`` (通报).

::

    python -m gwlib rounds open 2025Q4 --db URL [--plan-year Y] [--due YYYY-MM-DD]
    python -m gwlib rounds list --db URL
    python -m gwlib rounds report 2025Q4 --unit 单位 --task N --status 推进中 [--text T]
                                  [--evidence E]
    python -m gwlib rounds act 2025Q4 --kind 督办 --unit 单位 [--task N] --requirement R
                               --deadline D
    python -m gwlib rounds respond ID --text 办理情况
    python -m gwlib bulletin --db URL --round 2025Q4 -o 通报.docx|.pdf [--issuer 编发单位]
    python -m gwlib assessment --db URL --year 2023 -o 评估考核.docx
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

from gwlib.cli.common import EXIT_OK, cli_actor, open_store


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD：{text}") from None


def _round_id(store: Any, code: str, plan_year: int | None) -> int:
    from gwlib.plans.rounds import parse_round
    from gwlib.store.rounds import find_round

    return int(find_round(store, parse_round(code).code, plan_year)["id"])


def _cmd_open(args: argparse.Namespace) -> int:
    from gwlib.brief.bulletin import checklist_at
    from gwlib.plans.rounds import default_due, parse_round
    from gwlib.store.rounds import open_round

    store = open_store(args.db)
    code = parse_round(args.round)
    check = checklist_at(store, args.plan_year or code.year, code.end)
    if check.tasks.empty:
        print("错误：数据库中没有年度工作方案：先导入（python -m gwlib plan import）",
              file=sys.stderr)
        return 2
    due = args.due or default_due(code)
    rid = open_round(store, cli_actor(), code, check.year, due, check.tasks)
    print(f"opened round {code.code} of the {check.year} plan (id {rid}, {len(check.tasks)} tasks, "
          f"due {due.isoformat()})")  # fmt: skip
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    from gwlib.store.rounds import rounds

    r = rounds(open_store(args.db))
    print(r.to_string(index=False) if len(r) else "（还没有调度轮次）")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from gwlib.store.rounds import add_report

    store = open_store(args.db)
    rid = _round_id(store, args.round, args.plan_year)
    add_report(store, cli_actor(), rid, args.unit, args.task, args.status, args.text,
               args.evidence)  # fmt: skip
    print(f"reported task {args.task} for {args.unit} in {args.round}")
    return EXIT_OK


def _cmd_act(args: argparse.Namespace) -> int:
    from gwlib.store.rounds import issue_action

    store = open_store(args.db)
    rid = _round_id(store, args.round, args.plan_year)
    aid = issue_action(store, cli_actor(), rid, args.kind, args.unit, args.task,
                       args.requirement, args.deadline)  # fmt: skip
    print(f"issued {args.kind} {aid} to {args.unit}")
    return EXIT_OK


def _cmd_respond(args: argparse.Namespace) -> int:
    from gwlib.store.rounds import respond_action

    respond_action(open_store(args.db), cli_actor(), args.action, args.text)
    print(f"recorded the response to {args.action}")
    return EXIT_OK


def _cmd_bulletin(args: argparse.Namespace) -> int:
    from gwlib.brief.bulletin import bulletin_data, write_bulletin
    from gwlib.brief.office import to_pdf

    data = bulletin_data(open_store(args.db), args.round, args.plan_year, args.issuer, args.date)
    out: Path = args.output
    if out.suffix.lower() == ".pdf":
        with tempfile.TemporaryDirectory() as d:
            docx = Path(d) / (out.stem + ".docx")
            write_bulletin(data, docx)
            out.write_bytes(to_pdf(docx, Path(d)).read_bytes())
    else:
        write_bulletin(data, out)
    print(f"wrote the {data.code.code} bulletin (第{data.issue_no}期) to {out}", file=sys.stderr)
    return EXIT_OK


def _cmd_assessment(args: argparse.Namespace) -> int:
    from gwlib.brief.bulletin import write_assessment_report

    n = write_assessment_report(open_store(args.db), args.year, args.output, args.issuer)
    print(f"wrote the {args.year} assessment ({n} tasks) to {args.output}", file=sys.stderr)
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    r = sub.add_parser("rounds", help="调度：开启轮次、填报、督办")
    rs = r.add_subparsers(dest="rounds_command", required=True)
    o = rs.add_parser("open", help="开启一轮调度（快照各任务进展）")
    o.add_argument("round", help="轮次，如 2025Q4")
    o.add_argument("--db", default=None)
    o.add_argument("--plan-year", type=int, default=None, help="工作方案年度（默认轮次所在年度）")
    o.add_argument("--due", type=_date, default=None,
                   help="填报截止日期（默认季度末后第 5 个工作日）")  # fmt: skip
    o.set_defaults(func=_cmd_open)
    ls = rs.add_parser("list", help="列出调度轮次")
    ls.add_argument("--db", default=None)
    ls.set_defaults(func=_cmd_list)
    p = rs.add_parser("report", help="单位填报一项任务的进展")
    p.add_argument("round")
    p.add_argument("--db", default=None)
    p.add_argument("--plan-year", type=int, default=None)
    p.add_argument("--unit", required=True, help="填报单位（牵头部门或乡镇）")
    p.add_argument("--task", type=int, required=True, help="任务序号")
    p.add_argument("--status", required=True, choices=["未开展", "推进中", "已完成"])
    p.add_argument("--text", default="", help="完成情况")
    p.add_argument("--evidence", default="", help="佐证材料")
    p.set_defaults(func=_cmd_report)
    a = rs.add_parser("act", help="预警、督办、约谈或通报批评")
    a.add_argument("round")
    a.add_argument("--db", default=None)
    a.add_argument("--plan-year", type=int, default=None)
    a.add_argument("--kind", required=True, choices=["预警", "督办", "约谈", "通报批评"])
    a.add_argument("--unit", required=True)
    a.add_argument("--task", type=int, default=None)
    a.add_argument("--requirement", default="", help="办理要求")
    a.add_argument("--deadline", type=_date, default=None, help="办结期限 YYYY-MM-DD")
    a.set_defaults(func=_cmd_act)
    s = rs.add_parser("respond", help="记录督办的办理情况")
    s.add_argument("action", type=int, help="督办编号")
    s.add_argument("--db", default=None)
    s.add_argument("--text", required=True, help="办理情况")
    s.set_defaults(func=_cmd_respond)

    b = sub.add_parser("bulletin", help="生成一轮调度的通报（.docx；LibreOffice 可用时 .pdf）")
    b.add_argument("--db", default=None)
    b.add_argument("--round", required=True, help="轮次，如 2025Q4")
    b.add_argument("--plan-year", type=int, default=None)
    b.add_argument("-o", "--output", type=Path, required=True, help="输出 .docx 或 .pdf")
    b.add_argument("--issuer", default="县生态环境局", help="编发单位")
    b.add_argument("--date", type=_date, default=None, help="印发日期（默认今天）")
    b.set_defaults(func=_cmd_bulletin)

    e = sub.add_parser("assessment",
                       help="年度评估考核报告（各目标、各任务截至年末的完成情况与佐证）")
    e.add_argument("--db", default=None)
    e.add_argument("--year", type=int, required=True, help="工作方案年度")
    e.add_argument("-o", "--output", type=Path, required=True, help="输出 .docx")
    e.add_argument("--issuer", default="县生态环境局", help="报送单位")
    e.set_defaults(func=_cmd_assessment)

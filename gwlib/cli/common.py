"""What every ``python -m gwlib`` command shares: exit codes, opening the store, the actor that
command-line writes are recorded as, CSV output and the problem report."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gwlib.io.tables import Issue

if TYPE_CHECKING:
    from gwlib.store import Store
    from gwlib.store.audit import Actor

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2
FLOAT_FORMAT = "%.10g"


def open_store(url: str | None) -> Store:
    from gwlib.config import resolve_db_url
    from gwlib.store import Store

    return Store.open(resolve_db_url(url))


def cli_actor(declared: str = "") -> Actor:
    """The audit log's writer for a command: ``命令行:<OS user>``. Whoever can run the command
    has the database's credentials, so the operating-system account identifies them; a
    ``declared`` name (the person who filled the sheet) is recorded next to it, never instead."""
    from gwlib.store.audit import Actor

    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no user name for this uid (e.g. in a container)
        os_user = f"uid{os.getuid()}"
    return Actor.command_line(os_user, declared or "")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, formula-safe (:func:`gwlib.io.export.write_csv`), numbers to 10 digits."""
    from gwlib.io.export import write_csv as safe_csv

    safe_csv(frame, path, float_format=FLOAT_FORMAT)


def report_issues(issues: Sequence[Issue], path: Path) -> None:
    """Write issues to ``path`` (file, row, column, value, reason, severity) and to stderr;
    nothing when there are none."""
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
    write_csv(pd.DataFrame(rows).sort_values("row", kind="stable"), path)
    for i in issues:
        print(("错误：" if i.severity == "error" else "提示：") + i.message(), file=sys.stderr)
    print(f"report: {path}", file=sys.stderr)

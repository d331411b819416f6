"""What every register import writes besides its records: the ``import_batch`` row, and the
result whose summary is the CLI's last line ``imported N, updated M, unchanged U, rejected K``.
Used by the point register, zones and the 项目储备库 (results add their batch number)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from gwlib.store import schema
from gwlib.store.audit import Actor

ACTIVE = "有效"


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    imported: int
    updated: int
    unchanged: int
    rejected: int

    def summary(self) -> str:
        """The CLI's last line."""
        return (
            f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected}"
        )

    def summary_zh(self) -> str:
        """The same counts for the page, with the CLI's line after them (a section can quote
        either)."""
        return (
            f"新增 {self.imported} 条，修改 {self.updated} 条，未变 {self.unchanged} 条，"
            f"拒收 {self.rejected} 行（{self.summary()}）"
        )


def open_batch(
    conn: sa.Connection, kind: str, file_name: str, sha256: str, actor: Actor,
    now: dt.datetime, rows_total: int, rows_rejected: int, counts: tuple[int, int, int],
) -> int:  # fmt: skip
    """Insert the import's ``import_batch`` row (counts: new, updated, unchanged); its id."""
    new, updated, unchanged = counts
    return int(
        conn.execute(
            sa.insert(schema.import_batch)
            .values(kind=kind, file_name=file_name[:256], sha256=sha256, user_name=actor.user,
                    created_at=now, rows_total=rows_total, rows_rejected=rows_rejected,
                    n_new=new, n_updated=updated, n_unchanged=unchanged, status=ACTIVE)
            .returning(schema.import_batch.c.id)
        ).scalar_one()
    )  # fmt: skip

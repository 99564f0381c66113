"""Errors raised by the `geo` package.

Validation collects every problem in a file before raising, so a reader fixing a data file sees the whole
list at once (see `DataError`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value of a data file.

    Parameters
    ----------
    file : str
        File name as the reader knows it, e.g. ``"memberships.csv"``.
    row : int or None
        1-based data row (the header is not counted); ``None`` for a problem with the whole file.
    column : str or None
        Column name; ``None`` for a problem with the whole row or file.
    value : str or None
        The offending value as found in the file.
    expected : str
        What would have been accepted.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        found = "" if self.value is None else f"found {_clip(self.value)!r}, "
        return f"{', '.join(where)}: {found}expected {self.expected}"


def _clip(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class DataError(ValueError):
    """A data file (or several) failed validation.

    ``problems`` holds every `Problem` found; ``str(error)`` lists them, grouped by file.
    """

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("DataError needs at least one problem")
        self.problems = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        files = list(dict.fromkeys(p.file for p in self.problems))
        lines = []
        for name in files:
            mine = [p for p in self.problems if p.file == name]
            lines.append(f"{name}: {len(mine)} problem{'s' if len(mine) != 1 else ''}")
            lines.extend(f"  - {p}" for p in mine)
        return "\n".join(lines)


class UsageError(ValueError):
    """A caller asked for something that does not exist (an unknown layer, filter or format)."""

"""Snapshot count tables, the filter that picks their cells, and what a section produces."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

# A snapshot table's row: key values, then counters (a tuple in a document read from the database).
Row = list | tuple


@dataclass(frozen=True)
class Filters:
    """What the page shows: sites (already limited to the user's), one arm, a month range."""

    site_ids: frozenset[int]
    arm: str = ""
    month_from: str = ""
    month_to: str = ""

    def month_ok(self, month: str | None) -> bool:
        """Whether a YYYY-MM cell falls in the range (cells with no month always do)."""
        if month is None:
            return True
        if self.month_from and month < self.month_from:
            return False
        return not (self.month_to and month > self.month_to)


@dataclass
class Table:
    """A table view of one chart: also what its CSV download contains."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


@dataclass
class Section:
    """One report section: its tables and charts, in the order the page shows them."""

    tables: list[Table] = field(default_factory=list)
    charts: dict[str, dict] = field(default_factory=dict)


class Cells:
    """One snapshot table (columns + rows) with the filtering sums the page needs."""

    def __init__(self, table: dict, keys: Iterable[str]):
        self.columns: list[str] = table["columns"]
        self.rows: list[Row] = table["rows"]
        self.keys = list(keys)
        self.nkeys = len(self.keys)
        self.counters = self.columns[self.nkeys :]
        self.key_index = {k: i for i, k in enumerate(self.keys)}

    def total(self, rows: list[Row]) -> dict[str, int]:
        """Column sums of some rows, by counter name (0s when there are none)."""
        if not rows:
            return self.zero()
        columns = list(zip(*rows, strict=True))[self.nkeys :]
        return dict(zip(self.counters, map(sum, columns), strict=True))

    def group(self, rows: list[Row], key: str) -> dict:
        """Column sums of some rows grouped by one key column."""
        index = self.key_index[key]
        buckets: dict = {}
        for row in rows:
            buckets.setdefault(row[index], []).append(row)
        return {k: self.total(v) for k, v in buckets.items()}

    def group_some(self, rows: list[Row], key: str, counters: list[str]) -> dict:
        """Sums of some counters only, grouped by one key column (each key that has rows)."""
        index = self.key_index[key]
        columns = [self.nkeys + self.counters.index(c) for c in counters]
        pick = itemgetter(*columns)
        buckets: dict = {}
        for row in rows:
            buckets.setdefault(row[index], []).append(pick(row))
        return {
            k: dict(zip(counters, map(sum, zip(*picked, strict=True)), strict=True))
            for k, picked in buckets.items()
        }

    def counter_by(self, rows: list[Row], key: str, counter: str) -> dict:
        """One counter's sums of some rows grouped by one key column (each key that has rows)."""
        index, column = self.key_index[key], self.nkeys + self.counters.index(counter)
        sums: dict = {}
        for row in rows:
            sums[row[index]] = sums.get(row[index], 0) + row[column]
        return sums

    def combine(self, sums: Iterable[dict[str, int]]) -> dict[str, int]:
        """Counter sums added together: the sums of all their rows, without summing them again."""
        sums = list(sums)
        return {c: sum(s[c] for s in sums) for c in self.counters}

    def zero(self) -> dict[str, int]:
        """Every counter at 0: the sums of a cell with no rows."""
        return dict.fromkeys(self.counters, 0)


def filter_cells(cells: Cells, filters: Filters, *, month: bool = True) -> list[Row]:
    """The rows of the sites and arm shown and, unless told not to, of the months shown."""
    site_i = cells.key_index["site_id"]
    arm_i = cells.key_index.get("arm")
    month_i = cells.key_index.get("month")
    rows = [row for row in cells.rows if row[site_i] in filters.site_ids]
    if filters.arm and arm_i is not None:
        rows = [row for row in rows if row[arm_i] == filters.arm]
    if month and month_i is not None and (filters.month_from or filters.month_to):
        rows = [row for row in rows if filters.month_ok(row[month_i])]
    return rows


def site_label(site: dict) -> str:
    """A site as its rows are headed: code and name."""
    return f"{site['code']} {site['name']}"


def round_or_none(value: float | None, digits: int) -> float | None:
    """A figure rounded for display, None staying None."""
    return None if value is None else round(value, digits)

"""The snapshot's cells for one filter, summed once and read by every section."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from apps.clinical.participant_records import POOLED_ARMS, SINGLE_ARM
from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import Cells, Filters, Row, filter_cells
from apps.patients.models import Arm


@dataclass(frozen=True)
class Sums:
    """A snapshot document under one filter: its cells, the rows kept and their sums."""

    data: dict
    filters: Filters
    as_of: date
    randomised_pilot: bool
    arms: list[str]
    sites: list[dict]
    enrolled_word: str
    months: list[str]
    screening: Cells
    participants: Cells
    sessions: Cells
    screening_rows: list[Row]
    participant_rows: list[Row]
    session_rows: list[Row]
    scr: dict[str, int]
    part: dict[str, int]
    by_arm: dict[str, dict[str, int]]
    expected_now: dict[int, float]

    @cached_property
    def participant_rows_all_months(self) -> list[Row]:
        """The participant rows of the sites and arm shown, whatever the months."""
        return filter_cells(self.participants, self.filters, month=False)

    @cached_property
    def alerts(self) -> dict[str, int]:
        """The safety-alert counters of the sites, arm and months shown."""
        safety = Cells(self.data["safety"], ["site_id", "arm", "month"])
        return safety.total(filter_cells(safety, self.filters))

    @cached_property
    def practitioner_sites(self) -> dict[int, set[int]]:
        """The sites shown where each PWP has sessions with participants."""
        site_i = self.sessions.key_index["site_id"]
        pwp_i = self.sessions.key_index["practitioner_id"]
        sites: dict[int, set[int]] = {}
        for row in self.session_rows:
            sites.setdefault(row[pwp_i], set()).add(row[site_i])
        return sites

    def arm_counts(self, arm: str) -> dict[str, int]:
        """The participant sums of one arm (0s for an arm with no participants)."""
        return self.by_arm.get(arm, self.participants.zero())

    def arm_count(self, arm: str, counter: str) -> int:
        """One participant sum of one arm (0 when the arm or the counter is missing)."""
        return self.by_arm.get(arm, {}).get(counter, 0)


def sum_cells(data: dict, filters: Filters) -> Sums:
    """The cells a filter keeps from a snapshot document, and their sums."""
    as_of = date.fromisoformat(data["as_of"])
    randomised_pilot = data["randomised"]
    sites = [s for s in data["sites"] if s["id"] in filters.site_ids]
    screening = Cells(data["screening"], ["site_id", "month"])
    participants = Cells(data["participants"], ["site_id", "arm", "month"])
    sessions = Cells(data["sessions"], ["site_id", "arm", "month", "practitioner_id"])
    scr_rows = filter_cells(screening, filters)
    part_rows = filter_cells(participants, filters)
    seen_months = [r[1] for r in scr_rows] + [r[2] for r in part_rows]
    by_arm = participants.group(part_rows, "arm")
    return Sums(
        data=data,
        filters=filters,
        as_of=as_of,
        randomised_pilot=randomised_pilot,
        arms=[POOLED_ARMS] if data.get("pooled") else _arms(randomised_pilot, filters),
        sites=sites,
        enrolled_word="Randomised" if randomised_pilot else "Enrolled",
        months=month_axis(sites, seen_months, as_of, filters),
        screening=screening,
        participants=participants,
        sessions=sessions,
        screening_rows=scr_rows,
        participant_rows=part_rows,
        session_rows=filter_cells(sessions, filters),
        scr=screening.total(scr_rows),
        part=participants.combine(by_arm.values()),
        by_arm=by_arm,
        expected_now=_expected_now(sites, filters, as_of),
    )


def pilot_arms(randomised_pilot: bool) -> list[str]:
    """The arms a pilot's figures are shown for: both arms, or its single arm."""
    return [Arm.INTERVENTION.value, Arm.CONTROL.value] if randomised_pilot else [SINGLE_ARM]


def _arms(randomised_pilot: bool, filters: Filters) -> list[str]:
    arms = pilot_arms(randomised_pilot)
    return [filters.arm] if filters.arm and filters.arm in arms else arms


def _expected_now(sites: list[dict], filters: Filters, as_of: date) -> dict[int, float]:
    # The numerator counts participants randomised in the months shown, so the expected count
    # covers the same months (up to today): the light must not change with the range chosen.
    first, last = metrics.recruitment_period(filters.month_from, filters.month_to, as_of)
    return {
        s["id"]: metrics.expected_recruitment_between(
            s["target"],
            date.fromisoformat(s["opens_on"]),
            date.fromisoformat(s["closes_on"]),
            first,
            last,
        )
        for s in sites
    }


def month_axis(sites: list[dict], seen_months: list, as_of: date, filters: Filters) -> list[str]:
    """The months the charts run over: from the first opening or cell to today, as filtered."""
    seen = [m for m in seen_months if m]
    first = min([s["opens_on"][:7] for s in sites] + seen, default=as_of.isoformat()[:7])
    last = max([as_of.isoformat()[:7]] + seen)
    if filters.month_from:
        first = max(first, filters.month_from)
    if filters.month_to:
        last = min(last, filters.month_to)
    if last < first:
        return []
    return metrics.month_keys(date.fromisoformat(first + "-01"), date.fromisoformat(last + "-01"))

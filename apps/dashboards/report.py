"""Turns a snapshot document into the dashboard's figures for one filter: pure, no ORM.

The snapshot holds additive counts per breakdown cell (site, arm, month, practitioner); a filter
keeps the matching cells, sums them and passes the sums to the metric definitions in metrics.py.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from apps.cessation.protocol import SessionType
from apps.dashboards import metrics
from apps.dashboards.metrics import Proportion
from apps.dashboards.participant_tables import SESSION_TYPES
from apps.outcomes.outcome_labels import ARM_HEADINGS, MEASURE_HEADINGS, TIMEPOINT_HEADINGS
from apps.outcomes.participant_outcomes import EXPECTED_MEASURES, MEASURE_TIMEPOINTS
from apps.patients.models import DeclineReason, ExclusionReason, ExitReason
from apps.safety.models import Relatedness, Seriousness

# Snapshot documents from this schema on keep workload minutes per site.
WORKLOAD_BY_SITE_SCHEMA = 2
SESSION_TYPE_LABELS = dict(SessionType.choices)
EXCLUSION_LABELS = dict(ExclusionReason.choices)
DECLINE_LABELS = dict(DeclineReason.choices)
EXIT_LABELS = dict(ExitReason.choices)


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
class Criterion:
    """One progression criterion's traffic light with the figures behind it."""

    key: str
    label: str
    light: str
    value: Proportion | None
    green_from: float
    amber_from: float
    explanation: str


@dataclass
class Report:
    as_of: date
    randomised_pilot: bool
    filters: Filters
    arms: list[str]
    headline: dict
    tables: dict[str, Table]
    charts: dict[str, dict]
    consort: dict
    criteria: list[Criterion]


# --------------------------------------------------------------------------------------------
# Summing snapshot cells
# --------------------------------------------------------------------------------------------


class Cells:
    """One snapshot table (columns + rows) with the filtering sums the page needs."""

    def __init__(self, table: dict, keys: Iterable[str]):
        self.columns: list[str] = table["columns"]
        self.rows: list[list] = table["rows"]
        self.keys = list(keys)
        self.nkeys = len(self.keys)
        self.counters = self.columns[self.nkeys :]
        self.key_index = {k: i for i, k in enumerate(self.keys)}

    def select(self, predicate: Callable[[list], bool]) -> list[list]:
        """Rows whose key columns satisfy the predicate."""
        return [row for row in self.rows if predicate(row)]

    def total(self, rows: list[list]) -> dict[str, int]:
        """Column sums of some rows, by counter name (0s when there are none)."""
        if not rows:
            return dict.fromkeys(self.counters, 0)
        sums = [sum(col) for col in zip(*(row[self.nkeys :] for row in rows), strict=True)]
        return dict(zip(self.counters, sums, strict=True))

    def group(self, rows: list[list], key: str) -> dict:
        """Column sums of some rows grouped by one key column."""
        index = self.key_index[key]
        buckets: dict = {}
        for row in rows:
            buckets.setdefault(row[index], []).append(row)
        return {k: self.total(v) for k, v in buckets.items()}


def _filter(cells: Cells, filters: Filters, *, arm: bool = True, month: bool = True):
    site_i = cells.key_index["site_id"]
    arm_i = cells.key_index.get("arm")
    month_i = cells.key_index.get("month")

    def keep(row: list) -> bool:
        if row[site_i] not in filters.site_ids:
            return False
        if arm and filters.arm and arm_i is not None and row[arm_i] != filters.arm:
            return False
        return not (month and month_i is not None and not filters.month_ok(row[month_i]))

    return cells.select(keep)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def build_report(data: dict, filters: Filters, criteria: list[dict]) -> Report:
    """Every dashboard figure for one filter, from a snapshot document and the thresholds."""
    as_of = date.fromisoformat(data["as_of"])
    randomised_pilot = data["randomised"]
    arms = ["intervention", "control"] if randomised_pilot else ["single"]
    if filters.arm and filters.arm in arms:
        arms = [filters.arm]
    sites = [s for s in data["sites"] if s["id"] in filters.site_ids]
    screening = Cells(data["screening"], ["site_id", "month"])
    participants = Cells(data["participants"], ["site_id", "arm", "month"])
    sessions = Cells(data["sessions"], ["site_id", "arm", "month", "practitioner_id"])
    safety = Cells(data["safety"], ["site_id", "arm", "month"])

    scr_rows = _filter(screening, filters)
    part_rows = _filter(participants, filters)
    sess_rows = _filter(sessions, filters)
    scr = screening.total(scr_rows)
    part = participants.total(part_rows)
    by_arm = participants.group(part_rows, "arm")
    part_by_site = participants.group(part_rows, "site_id")
    scr_by_site = screening.group(scr_rows, "site_id")

    tables: dict[str, Table] = {}
    charts: dict[str, dict] = {}
    enrolled_word = "Randomised" if randomised_pilot else "Enrolled"

    # Recruitment ---------------------------------------------------------------------------
    # The numerator counts participants randomised in the months shown, so the expected count
    # covers the same months (up to today): the light must not change with the range chosen.
    period_first, period_last = metrics.recruitment_period(
        filters.month_from, filters.month_to, as_of
    )
    expected_label = (
        "Expected in the months shown"
        if filters.month_from or filters.month_to
        else "Expected by now"
    )
    expected_now = {
        s["id"]: metrics.expected_recruitment_between(
            s["target"],
            date.fromisoformat(s["opens_on"]),
            date.fromisoformat(s["closes_on"]),
            period_first,
            period_last,
        )
        for s in sites
    }
    total_target = sum(s["target"] for s in sites)
    total_expected = sum(expected_now.values())
    recruitment = metrics.recruitment_to_target(part["randomised"], total_expected)
    site_table = Table(
        "recruitment_sites",
        f"{enrolled_word} against target, per site",
        [
            "Site",
            "Target",
            expected_label,
            enrolled_word,
            f"Against {expected_label[0].lower()}{expected_label[1:]}",
            "Against full target",
            f"{enrolled_word} per month open",
        ],
    )
    for s in sites:
        n = part_by_site.get(s["id"], {}).get("randomised", 0)
        rate = metrics.recruitment_rate(
            n, date.fromisoformat(s["opens_on"]), date.fromisoformat(s["closes_on"]), as_of
        )
        site_table.rows.append(
            [
                f"{s['code']} {s['name']}",
                s["target"],
                round(expected_now[s["id"]], 1),
                n,
                metrics.recruitment_to_target(n, expected_now[s["id"]]),
                metrics.ratio_percent(n, s["target"]),
                None if rate is None else round(rate, 2),
            ]
        )
    tables[site_table.key] = site_table

    seen_months = [r[1] for r in scr_rows] + [r[2] for r in part_rows]
    months = _month_axis(sites, seen_months, as_of, filters)
    monthly_all = participants.group(
        _filter(participants, filters, month=False), "month"
    )  # the cumulative line counts from the start, whatever the range shown
    all_months = sorted(set(monthly_all) | set(months))
    cumulative_all = dict(
        zip(
            all_months,
            metrics.cumulative(monthly_all.get(m, {}).get("randomised", 0) for m in all_months),
            strict=True,
        )
    )
    trajectory = [0.0] * len(months)
    for s in sites:
        site_traj = metrics.target_trajectory(
            s["target"],
            date.fromisoformat(s["opens_on"]),
            date.fromisoformat(s["closes_on"]),
            months,
        )
        trajectory = [a + b for a, b in zip(trajectory, site_traj, strict=True)]
    month_table = Table(
        "recruitment_months",
        f"{enrolled_word} per month, cumulative, and the target trajectory",
        ["Month", enrolled_word, "Cumulative", "Target trajectory (cumulative)"],
    )
    for m, target_m in zip(months, trajectory, strict=True):
        month_table.rows.append(
            [
                m,
                monthly_all.get(m, {}).get("randomised", 0),
                int(cumulative_all.get(m, 0)),
                round(target_m, 1),
            ]
        )
    tables[month_table.key] = month_table
    charts["recruitment"] = {
        "type": "bar",
        "table": month_table.key,
        "labels": months,
        "datasets": [
            {"type": "bar", "label": f"{enrolled_word} in month", "column": 1},
            {"type": "line", "label": "Cumulative", "column": 2},
            {"type": "line", "label": "Target trajectory", "column": 3, "dashed": True},
        ],
    }
    matrix = Table(
        "recruitment_site_months",
        f"{enrolled_word} per site per month",
        ["Site", *months],
    )
    by_site_month: dict[tuple, int] = {}
    for row in part_rows:
        key = (row[0], row[2])
        by_site_month[key] = by_site_month.get(key, 0) + row[participants.nkeys]
    for s in sites:
        matrix.rows.append([s["code"], *(by_site_month.get((s["id"], m), 0) for m in months)])
    tables[matrix.key] = matrix

    # Screening -----------------------------------------------------------------------------
    eligible = scr["eligible_and_declined"]
    screening_table = Table(
        "screening_sites",
        "Screening, eligibility and consent, per site",
        ["Site", "Screened", "Eligible", "Consented", "Eligibility rate", "Consent rate"],
        note="Screening happens before allocation, so the arm filter does not apply here.",
    )
    for s in sites:
        c = scr_by_site.get(s["id"], dict.fromkeys(screening.counters, 0))
        screening_table.rows.append(
            [
                f"{s['code']} {s['name']}",
                c["screened"],
                c["eligible_and_declined"],
                c["consented"],
                metrics.eligibility_rate(c["eligible_and_declined"], c["screened"]),
                metrics.consent_rate(c["consented"], c["eligible_and_declined"]),
            ]
        )
    screening_table.rows.append(
        [
            "All sites shown",
            scr["screened"],
            eligible,
            scr["consented"],
            metrics.eligibility_rate(eligible, scr["screened"]),
            metrics.consent_rate(scr["consented"], eligible),
        ]
    )
    tables[screening_table.key] = screening_table
    reasons = Table(
        "screening_reasons",
        "Reasons for exclusion and refusal",
        ["Stage", "Reason", "People"],
    )
    for code, label in EXCLUSION_LABELS.items():
        reasons.rows.append(["Not eligible", label, scr[f"excl_{code}"]])
    for code, label in DECLINE_LABELS.items():
        reasons.rows.append(["Eligible, declined", label, scr[f"decl_{code}"]])
    reasons.rows.append(
        ["Eligible, did not consent", "Withdrew before consent", scr["withdrew_before_consent"]]
    )
    reasons.rows.append(
        ["Eligible, did not consent", "Consent not yet recorded", scr["awaiting_consent"]]
    )
    tables[reasons.key] = reasons
    scr_months = screening.group(scr_rows, "month")
    screening_months = Table(
        "screening_months",
        "Screened, eligible and consented per month",
        ["Month", "Screened", "Eligible", "Consented"],
    )
    for m in months:
        c = scr_months.get(m, dict.fromkeys(screening.counters, 0))
        screening_months.rows.append([m, c["screened"], c["eligible_and_declined"], c["consented"]])
    tables[screening_months.key] = screening_months
    charts["screening"] = {
        "type": "bar",
        "table": screening_months.key,
        "labels": months,
        "datasets": [
            {"type": "bar", "label": "Screened", "column": 1},
            {"type": "bar", "label": "Eligible", "column": 2},
            {"type": "bar", "label": "Consented", "column": 3},
        ],
    }

    # Retention -----------------------------------------------------------------------------
    retention = Table(
        "retention",
        "Retention: follow-ups completed / participants who have reached the timepoint",
        ["Timepoint", *[ARM_HEADINGS[a] for a in arms], "All shown"],
        note="Participants whose follow-up window has not closed yet are not counted.",
    )
    for tp, k in (("week4", "w4"), ("month3", "m3"), ("month6", "m6")):
        cells = [
            metrics.retention(
                by_arm.get(a, {}).get(f"{k}_done", 0), by_arm.get(a, {}).get(f"{k}_due", 0)
            )
            for a in arms
        ]
        retention.rows.append(
            [TIMEPOINT_HEADINGS[tp], *cells, metrics.retention(part[f"{k}_done"], part[f"{k}_due"])]
        )
    tables[retention.key] = retention
    charts["retention"] = _proportion_chart(retention, arms)

    # Adherence and fidelity ----------------------------------------------------------------
    sess_total = sessions.total(sess_rows)
    adherence = Table(
        "adherence",
        "Sessions attended and missed, per participant",
        [
            "Arm",
            "Participants",
            "With any session",
            "Attended",
            "Did not attend",
            "Attended per participant",
            "DNAs per participant",
            "Adherence (attended / offered)",
        ],
    )
    for a in arms:
        c = by_arm.get(a, dict.fromkeys(participants.counters, 0))
        adherence.rows.append(
            [
                ARM_HEADINGS[a],
                c["randomised"],
                c["with_sessions"],
                c["sessions_attended"],
                c["sessions_dna"],
                _round(metrics.ratio(c["sessions_attended"], c["randomised"]), 2),
                _round(metrics.ratio(c["sessions_dna"], c["randomised"]), 2),
                metrics.adherence(c["sessions_attended"], c["sessions_offered"]),
            ]
        )
    tables[adherence.key] = adherence
    fidelity = Table(
        "fidelity_types",
        "Fidelity: share of the expected BCTs delivered, per session type",
        ["Session type", "Sessions attended", "Expected BCTs delivered"],
    )
    for t in SESSION_TYPES:
        fidelity.rows.append(
            [
                SESSION_TYPE_LABELS.get(t, t),
                sess_total[f"n_{t}"],
                metrics.proportion(sess_total[f"del_{t}"], sess_total[f"exp_{t}"]),
            ]
        )
    tables[fidelity.key] = fidelity
    charts["fidelity"] = _proportion_chart(fidelity, ["all"], first_column=2)
    sess_by_site = sessions.group(sess_rows, "site_id")
    fidelity_sites = Table(
        "fidelity_sites",
        "Sessions, adherence and fidelity per site",
        [
            "Site",
            "Offered",
            "Attended",
            "Did not attend",
            "Adherence",
            "Fidelity (all types)",
            *[f"Fidelity: {SESSION_TYPE_LABELS[t]}" for t in SESSION_TYPES],
        ],
    )
    for s in sites:
        c = sess_by_site.get(s["id"], dict.fromkeys(sessions.counters, 0))
        fidelity_sites.rows.append(_session_row(f"{s['code']} {s['name']}", c))
    tables[fidelity_sites.key] = fidelity_sites
    names = {p["id"]: p["name"] for p in data["workload"]["practitioners"]}
    site_codes = {s["id"]: s["code"] for s in data["sites"]}
    sess_by_pwp = sessions.group(sess_rows, "practitioner_id")
    pwp_sites: dict[int, set] = {}
    pwp_site_ids: dict[int, set] = {}
    for row in sess_rows:
        pwp_sites.setdefault(row[3], set()).add(site_codes.get(row[0], "?"))
        pwp_site_ids.setdefault(row[3], set()).add(row[0])
    fidelity_pwps = Table(
        "fidelity_pwps",
        "Sessions, adherence and fidelity per PWP",
        [
            "PWP",
            "Sites",
            "Offered",
            "Attended",
            "Did not attend",
            "Adherence",
            "Fidelity (all types)",
            *[f"Fidelity: {SESSION_TYPE_LABELS[t]}" for t in SESSION_TYPES],
        ],
    )
    for pid, c in sorted(sess_by_pwp.items(), key=lambda kv: names.get(kv[0], "")):
        row = _session_row(names.get(pid, f"User {pid}"), c)
        fidelity_pwps.rows.append([row[0], ", ".join(sorted(pwp_sites.get(pid, ()))), *row[1:]])
    tables[fidelity_pwps.key] = fidelity_pwps

    # Data completeness ---------------------------------------------------------------------
    completeness = Table(
        "completeness",
        "Data completeness: expected measures present",
        ["Timepoint", "Participants expected", *MEASURE_HEADINGS.values()],
        note="A dash means the measure is not expected at that timepoint.",
    )
    for tp in MEASURE_TIMEPOINTS:
        expected_n = part[f"exp_{tp}"]
        cells = []
        for measure in MEASURE_HEADINGS:
            if measure in EXPECTED_MEASURES[tp]:
                cells.append(metrics.data_completeness(part[f"has_{measure}_{tp}"], expected_n))
            else:
                cells.append(None)
        completeness.rows.append([TIMEPOINT_HEADINGS[tp], expected_n, *cells])
    tables[completeness.key] = completeness
    charts["completeness"] = {
        "type": "bar",
        "table": completeness.key,
        "labels": [TIMEPOINT_HEADINGS[tp] for tp in MEASURE_TIMEPOINTS],
        "datasets": [
            {"type": "bar", "label": label, "column": 2 + i, "percent": True}
            for i, label in enumerate(MEASURE_HEADINGS.values())
        ],
        "percent": True,
    }

    # Outcomes by arm -----------------------------------------------------------------------
    outcomes = Table(
        "outcomes",
        "Outcomes by arm (pilot estimates with 95% confidence intervals)",
        ["Outcome", *[ARM_HEADINGS[a] for a in arms]],
        note="Proportions use Wilson intervals; means use t intervals. "
        "Participants not followed up count as smoking.",
    )

    def arm_prop(num: str, den: str) -> list:
        return [
            metrics.proportion(by_arm.get(a, {}).get(num, 0), by_arm.get(a, {}).get(den, 0))
            for a in arms
        ]

    def arm_mean(prefix: str) -> list:
        return [
            metrics.mean_estimate(
                by_arm.get(a, {}).get(f"{prefix}_n", 0),
                by_arm.get(a, {}).get(f"{prefix}_sum", 0),
                by_arm.get(a, {}).get(f"{prefix}_sumsq", 0),
            )
            for a in arms
        ]

    outcomes.rows += [
        ["4-week quit, self-reported (Russell Standard)", *arm_prop("q4_self", "q4_due")],
        ["4-week quit, CO-verified (Russell Standard)", *arm_prop("q4_co", "q4_due")],
        ["7-day point prevalence at 3 months, self-report", *arm_prop("pp3_self", "pp3_due")],
        ["7-day point prevalence at 3 months, CO-verified", *arm_prop("pp3_co", "pp3_due")],
        ["7-day point prevalence at 6 months, self-report", *arm_prop("pp6_self", "pp6_due")],
        ["7-day point prevalence at 6 months, CO-verified", *arm_prop("pp6_co", "pp6_due")],
        ["Sustained abstinence at 6 months (RS6, CO-verified)", *arm_prop("rs6_yes", "rs6_due")],
        ["Made a quit attempt (24 hours or more)", *arm_prop("quit_attempt", "randomised")],
        ["PHQ-9 mean change, first to last", *arm_mean("phq_change")],
        ["GAD-7 mean change, first to last", *arm_mean("gad_change")],
        ["Talking Therapies recovery", *arm_prop("tt_recovered", "tt_caseness")],
        ["Reliable improvement", *arm_prop("tt_improved", "tt_pairs")],
        ["Reliable deterioration", *arm_prop("tt_deteriorated", "tt_pairs")],
        ["Reliable recovery", *arm_prop("tt_reliably_recovered", "tt_caseness")],
    ]
    tables[outcomes.key] = outcomes
    quit_date_table = Table(
        "quit_dates",
        "Quit dates and the 4-week check",
        [
            "Arm",
            "Quit date set",
            "Quit date never set",
            "4-week check due",
            "4-week status not known",
        ],
    )
    for a in arms:
        c = by_arm.get(a, dict.fromkeys(participants.counters, 0))
        quit_date_table.rows.append(
            [ARM_HEADINGS[a], c["quit_date_set"], c["no_quit_date"], c["q4_due"], c["q4_not_known"]]
        )
    tables[quit_date_table.key] = quit_date_table

    # Safety --------------------------------------------------------------------------------
    safety_rows = _filter(safety, filters)
    sa = safety.total(safety_rows)
    safety_table = Table(
        "safety",
        "Safety alerts (PHQ-9 item 9) and withdrawals",
        ["Measure", "Value"],
    )
    safety_table.rows += [
        ["Alerts raised", sa["raised"]],
        ["Alerts acknowledged", sa["acknowledged"]],
        ["Alerts still open", sa["open"]],
        [
            "Mean time to acknowledge (hours)",
            _round(metrics.mean_duration_hours(sa["ack_seconds"], sa["acknowledged"]), 1),
        ],
        ["Acknowledged within 1 hour", metrics.proportion(sa["ack_within_1h"], sa["acknowledged"])],
        [
            "Acknowledged within 24 hours",
            metrics.proportion(sa["ack_within_24h"], sa["acknowledged"]),
        ],
        ["Participants withdrawn", metrics.proportion(part["withdrawn"], part["randomised"])],
        ["Participants lost to follow-up", metrics.proportion(part["lost"], part["randomised"])],
    ]
    tables[safety_table.key] = safety_table
    tables["adverse_events"] = _adverse_event_table(data, filters, arms, participants)
    withdrawals = Table(
        "withdrawals",
        "Withdrawals and losses by reason",
        [
            "Reason",
            *[f"{ARM_HEADINGS[a]}: withdrawn" for a in arms],
            *[f"{ARM_HEADINGS[a]}: lost" for a in arms],
        ],
    )
    for code, label in EXIT_LABELS.items():
        withdrawals.rows.append(
            [
                label,
                *[by_arm.get(a, {}).get(f"withdrawn_{code}", 0) for a in arms],
                *[by_arm.get(a, {}).get(f"lost_{code}", 0) for a in arms],
            ]
        )
    tables[withdrawals.key] = withdrawals

    # Workload ------------------------------------------------------------------------------
    wl = data["workload"]
    workload = Table(
        "workload",
        f"PWP workload: minutes of cessation sessions per week at the sites shown"
        f" (last {len(wl['weeks'])} weeks)",
        [
            "PWP",
            "Sites",
            "Available minutes per week",
            "Mean minutes per week",
            "Busiest week (minutes)",
            "Mean share of available time",
        ],
        note="Only sessions with participants of the sites shown count; available time is the"
        " PWP's whole working week.",
    )
    practitioners = wl["practitioners"]
    if data.get("schema", 1) < WORKLOAD_BY_SITE_SCHEMA:
        # An older document has each PWP's minutes at all their sites together: they cannot be
        # limited to the sites shown, so the table waits for the next build.
        practitioners = []
        workload.note = "Shown from the next build of the figures (within 10 minutes)."
    for p in practitioners:
        # Sessions at sites outside the filter (or the user's sites) stay out of every figure.
        by_week = [m for site_id, m in p["minutes_by_site"] if site_id in filters.site_ids]
        shown_sites = sorted({*p["site_ids"], *pwp_site_ids.get(p["id"], ())} & filters.site_ids)
        if not shown_sites and not by_week:
            continue
        weekly = [sum(week) for week in zip(*by_week, strict=True)] or [0] * len(wl["weeks"])
        mean_minutes = sum(weekly) / len(weekly) if weekly else 0
        share = metrics.workload_share(mean_minutes, p["hours_per_week"])
        workload.rows.append(
            [
                p["name"],
                ", ".join(site_codes.get(i, "?") for i in shown_sites),
                round(p["hours_per_week"] * 60),
                round(mean_minutes, 1),
                max(weekly, default=0),
                None if share is None else f"{share:.0f}%",
            ]
        )
    tables[workload.key] = workload
    charts["workload"] = {
        "type": "bar",
        "table": workload.key,
        "labels": [row[0] for row in workload.rows],
        "datasets": [
            {"type": "bar", "label": "Mean minutes per week", "column": 3},
            {"type": "line", "label": "Available minutes per week", "column": 2, "dashed": True},
        ],
    }

    # CONSORT and progression ---------------------------------------------------------------
    consort = _consort(scr, by_arm, arms, randomised_pilot, participants.counters)
    completeness_m3 = _completeness_at(part, "month3")
    quit_arm = "intervention" if randomised_pilot else "single"
    values = {
        "enrolment": metrics.consent_rate(scr["consented"], eligible),
        "recruitment": recruitment,
        "completeness": completeness_m3,
        "quit_attempt": metrics.proportion(
            by_arm.get(quit_arm, {}).get("quit_attempt", 0),
            by_arm.get(quit_arm, {}).get("randomised", 0),
        ),
        "retention_3m": metrics.retention(part["m3_done"], part["m3_due"]),
    }
    lights = []
    for c in criteria:
        value = values.get(c["key"])
        lights.append(
            Criterion(
                key=c["key"],
                label=c["label"],
                light=metrics.traffic_light(
                    value.percent if value else None, c["green_from"], c["amber_from"]
                ),
                value=value,
                green_from=float(c["green_from"]),
                amber_from=float(c["amber_from"]),
                explanation=CRITERION_EXPLANATIONS.get(c["key"], "No metric is defined for it."),
            )
        )
    tables["progression"] = Table(
        "progression",
        "Progression criteria",
        ["Criterion", "Light", "Value", "Green from (%)", "Amber from (%)"],
        [[c.label, c.light, c.value, c.green_from, c.amber_from] for c in lights],
    )

    headline = {
        "screened": scr["screened"],
        "eligible": eligible,
        "consented": scr["consented"],
        "randomised": part["randomised"],
        "target": total_target,
        "expected_now": round(total_expected, 1),
        "expected_label": expected_label,
        "recruitment": recruitment,
        "eligibility_rate": metrics.eligibility_rate(eligible, scr["screened"]),
        "consent_rate": metrics.consent_rate(scr["consented"], eligible),
        "completion_3m": metrics.retention(part["m3_done"], part["m3_due"]),
        "alerts_open": sa["open"],
        "enrolled_word": enrolled_word,
    }
    return Report(
        as_of=as_of,
        randomised_pilot=randomised_pilot,
        filters=filters,
        arms=arms,
        headline=headline,
        tables=tables,
        charts=charts,
        consort=consort,
        criteria=lights,
    )


CRITERION_EXPLANATIONS = {
    "enrolment": "Consented / eligible people screened.",
    "recruitment": "Randomised / target expected over the same months, up to today (linear"
    " over each site's window).",
    "completeness": "3-month measures present (PHQ-9, GAD-7, smoking status, CO) / expected.",
    "quit_attempt": "Intervention-arm participants reporting a quit attempt / randomised to it.",
    "retention_3m": "3-month follow-ups completed / participants who have reached 3 months.",
}


def _completeness_at(part: dict, tp: str) -> Proportion:
    present = [part[f"has_{m}_{tp}"] for m in EXPECTED_MEASURES[tp]]
    return metrics.measures_completeness(present, part[f"exp_{tp}"])


def _session_row(label: str, c: dict) -> list:
    expected = sum(c[f"exp_{t}"] for t in SESSION_TYPES)
    delivered = sum(c[f"del_{t}"] for t in SESSION_TYPES)
    return [
        label,
        c["offered"],
        c["attended"],
        c["dna"],
        metrics.adherence(c["attended"], c["offered"]),
        metrics.proportion(delivered, expected),
        *[metrics.proportion(c[f"del_{t}"], c[f"exp_{t}"]) for t in SESSION_TYPES],
    ]


def _proportion_chart(table: Table, series: list[str], first_column: int = 1) -> dict:
    return {
        "type": "bar",
        "table": table.key,
        "labels": [row[0] for row in table.rows],
        "datasets": [
            {
                "type": "bar",
                "label": ARM_HEADINGS.get(a, "All"),
                "column": first_column + i,
                "percent": True,
            }
            for i, a in enumerate(series)
        ],
        "percent": True,
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _month_axis(sites, seen_months: list, as_of: date, filters: Filters) -> list[str]:
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


def _consort(scr: dict, by_arm: dict, arms: list[str], randomised_pilot: bool, counters) -> dict:
    eligible = scr["eligible_and_declined"]
    zero = dict.fromkeys(counters, 0)
    not_randomised = eligible - scr["declined"] - scr["randomised"]
    flow = {
        "randomised_pilot": randomised_pilot,
        "assessed": scr["screened"],
        "excluded": scr["not_eligible"] + scr["declined"] + max(0, not_randomised),
        "not_eligible": scr["not_eligible"],
        "not_eligible_reasons": [
            (label, scr[f"excl_{code}"])
            for code, label in EXCLUSION_LABELS.items()
            if scr[f"excl_{code}"]
        ],
        "declined": scr["declined"],
        "declined_reasons": [
            (label, scr[f"decl_{code}"])
            for code, label in DECLINE_LABELS.items()
            if scr[f"decl_{code}"]
        ],
        "other_not_randomised": max(0, not_randomised),
        "other_reasons": [
            (label, n)
            for label, n in (
                ("Withdrew before consent", scr["withdrew_before_consent"]),
                ("Consent not yet recorded", scr["awaiting_consent"]),
                ("Consented, not yet randomised or withdrew", scr["consented_not_randomised"]),
            )
            if n
        ],
        "randomised": scr["randomised"],
        "arms": [],
    }
    for a in arms:
        c = by_arm.get(a, zero)
        arm = {
            "key": a,
            "label": ARM_HEADINGS[a],
            "allocated": c["randomised"],
            "received": c["received"] if a != "control" else c["randomised"],
            "not_received": (c["not_received_withdrew"] + c["not_received_other"])
            if a != "control"
            else 0,
            "not_received_reasons": [
                (label, n)
                for label, n in (
                    ("Withdrew before any session", c["not_received_withdrew"]),
                    ("No session attended yet", c["not_received_other"]),
                )
                if n and a != "control"
            ],
            "timepoints": [],
            "analysed": c["m3_done"],
            "not_analysed": c["m3_due"] - c["m3_done"],
        }
        for tp, k in (("week4", "w4"), ("month3", "m3"), ("month6", "m6")):
            arm["timepoints"].append(
                {
                    "label": TIMEPOINT_HEADINGS[tp],
                    "followed_up": c[f"{k}_done"],
                    "due": c[f"{k}_due"],
                    "lost": c[f"{k}_lost"] + c[f"{k}_missed"],
                    "lost_reasons": [
                        (label, c[f"{k}_lost_{code}"])
                        for code, label in EXIT_LABELS.items()
                        if c[f"{k}_lost_{code}"]
                    ]
                    + (
                        [("Missed the follow-up window", c[f"{k}_missed"])]
                        if c[f"{k}_missed"]
                        else []
                    ),
                    "withdrew": c[f"{k}_withdrew"],
                    "withdrew_reasons": [
                        (label, c[f"{k}_withdrew_{code}"])
                        for code, label in EXIT_LABELS.items()
                        if c[f"{k}_withdrew_{code}"]
                    ],
                    "pending": c[f"{k}_pending"] - (c["no_quit_date"] if tp == "week4" else 0),
                    "no_quit_date": c["no_quit_date"] if tp == "week4" else 0,
                }
            )
        flow["arms"].append(arm)
    return flow


def _plain(value):
    """A figure as JSON-ready values (proportions and means become objects)."""
    if isinstance(value, Proportion):
        return {
            "numerator": value.numerator,
            "denominator": value.denominator,
            "percent": value.percent,
            "ci_low": value.ci_low,
            "ci_high": value.ci_high,
        }
    if isinstance(value, metrics.MeanEstimate):
        return {
            "n": value.n,
            "mean": value.mean,
            "sd": value.sd,
            "ci_low": value.ci_low,
            "ci_high": value.ci_high,
        }
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_to_dict(report: Report) -> dict:
    """The whole report as plain JSON-ready data (for the API)."""
    return {
        "as_of": report.as_of.isoformat(),
        "randomised_pilot": report.randomised_pilot,
        "filters": {
            "site_ids": sorted(report.filters.site_ids),
            "arm": report.filters.arm,
            "month_from": report.filters.month_from,
            "month_to": report.filters.month_to,
        },
        "arms": report.arms,
        "headline": _plain(report.headline),
        "criteria": [
            {
                "key": c.key,
                "label": c.label,
                "light": c.light,
                "value": _plain(c.value),
                "green_from": c.green_from,
                "amber_from": c.amber_from,
                "explanation": c.explanation,
            }
            for c in report.criteria
        ],
        "tables": {
            key: {"title": t.title, "columns": t.columns, "rows": _plain(t.rows), "note": t.note}
            for key, t in report.tables.items()
        },
        "consort": _plain(report.consort),
    }


def _adverse_event_table(data: dict, filters: Filters, arms, participants: Cells) -> Table:
    """Adverse events by arm: events, participants with one (of those randomised), serious
    events by ICH E2A criterion and every event by relatedness to the cessation treatment.

    Events of any onset date, so the denominator is everyone randomised, whatever the month
    filter (a month filter would leave more participants with an event than randomised)."""
    empty = {"columns": ["site_id", "arm"], "rows": []}
    cells = Cells(data.get("adverse_events", empty), ["site_id", "arm"])
    grouped = cells.group(_filter(cells, filters), "arm")
    by_arm = participants.group(_filter(participants, filters, month=False), "arm")
    table = Table(
        "adverse_events",
        "Adverse events by arm (all onset dates)",
        ["Measure", *[ARM_HEADINGS[a] for a in arms]],
    )

    def row(label: str, counter: str, denominator: str | None = None) -> None:
        values = []
        for arm in arms:
            count = grouped.get(arm, {}).get(counter, 0)
            if denominator is None:
                values.append(count)
            else:
                base = by_arm.get(arm, dict.fromkeys(participants.counters, 0))[denominator]
                values.append(metrics.proportion(count, base))
        table.rows.append([label, *values])

    row("Adverse events", "events")
    row("Participants with at least one adverse event", "participants_any", "randomised")
    row("Serious adverse events", "serious_events")
    row(
        "Participants with at least one serious adverse event", "participants_serious", "randomised"
    )
    for code, label in Seriousness.choices:
        row(f"Serious: {label.lower()}", f"criterion_{code}")
    for code, label in Relatedness.choices:
        row(f"Related to treatment: {label.lower()}", f"related_{code}")
    return table

"""Adherence and fidelity: participants who attended the protocol minimum, sessions attended and
missed, and the expected BCTs delivered (intervals clustered by participant)."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.clinical.participant_records import SINGLE_ARM
from apps.clinical.protocol import DEFAULT_MINIMUM_SESSIONS, MAX_SESSIONS, SessionType
from apps.dashboards import metrics, metrics_estimates
from apps.dashboards.estimate_counters import ATTENDED_BUCKETS, FIDELITY_GROUPS
from apps.dashboards.metrics import Proportion
from apps.dashboards.participant_tables import SESSION_TYPES
from apps.dashboards.report_sections.cells import Section, Table, round_or_none, site_label
from apps.dashboards.report_sections.charts import proportion_chart
from apps.dashboards.report_sections.sums import Sums
from apps.patients.models import Arm

SESSION_TYPE_LABELS = dict(SessionType.choices)
# The arms whose participants are offered the sessions (adherence applies to them only).
TREATED_ARMS = frozenset({Arm.INTERVENTION.value, SINGLE_ARM})
FIDELITY_NOTE = (
    "95% intervals are cluster-robust (the ratio estimator's linearisation variance over "
    "participants, t with participants - 1 df): BCTs are delivered within sessions within "
    "participants, so they are not independent."
)
FIDELITY_COUNTERS = [
    f"fid_{group}_{part}" for group in FIDELITY_GROUPS for part in ("n", "x", "y", "xx", "xy", "yy")
]
OLD_FIDELITY_NOTE = "This snapshot predates clustered fidelity intervals: refresh the figures."
FIDELITY_COLUMNS = [
    "Offered",
    "Attended",
    "Did not attend",
    "Attendance share",
    "Fidelity (all types)",
    *[f"Fidelity: {SESSION_TYPE_LABELS[t]}" for t in SESSION_TYPES],
]


def adherence_section(sums: Sums) -> Section:
    """(2nd ed.) Adherence per participant, then sessions attended and missed, by arm."""
    return Section([_adherence_table(sums), _attendance_table(sums)])


def _adherence_table(sums: Sums) -> Table:
    minimum = sums.data.get("minimum_sessions", DEFAULT_MINIMUM_SESSIONS)
    table = Table(
        "adherence",
        f"Adherence: participants who attended at least {minimum} sessions",
        [
            "Arm",
            "Participants",
            f"Attended at least {minimum} sessions",
            "Sessions attended per participant: median (IQR)",
            "Did not attend (sessions)",
        ],
        note=f"Intervention participants who attended at least the protocol minimum of {minimum} "
        "sessions / intervention participants randomised (Wilson interval). The control arm "
        "has no sessions: one recorded there is a protocol deviation.",
    )
    if not _has(sums, "att_0"):
        table.note = "This snapshot predates adherence per participant: refresh the figures."
        return table
    for a in sums.arms:
        if a not in TREATED_ARMS:
            continue
        c = sums.arm_counts(a)
        histogram = [c[f"att_{k}"] for k in ATTENDED_BUCKETS]
        adherent = sum(histogram[min(minimum, MAX_SESSIONS) :])
        table.rows.append(
            [
                ARM_HEADINGS[a],
                c["randomised"],
                metrics.adherence(adherent, c["randomised"]),
                metrics_estimates.spread(histogram),
                c["sessions_dna"],
            ]
        )
    return table


def _attendance_table(sums: Sums) -> Table:
    table = Table(
        "attendance",
        "Sessions attended and missed, per participant",
        [
            "Arm",
            "Participants",
            "With any session",
            "Attended",
            "Did not attend",
            "Attended per participant",
            "DNAs per participant",
            "Attendance share (attended / offered sessions)",
        ],
        note="The attendance share counts sessions, not participants, so it has no interval.",
    )
    for a in sums.arms:
        c = sums.arm_counts(a)
        table.rows.append(
            [
                ARM_HEADINGS[a],
                c["randomised"],
                c["with_sessions"],
                c["sessions_attended"],
                c["sessions_dna"],
                round_or_none(metrics.ratio(c["sessions_attended"], c["randomised"]), 2),
                round_or_none(metrics.ratio(c["sessions_dna"], c["randomised"]), 2),
                metrics.attendance_share(c["sessions_attended"], c["sessions_offered"]),
            ]
        )
    return table


def fidelity_section(sums: Sums) -> Section:
    """Expected BCTs delivered per session type (with its chart), per site and per PWP."""
    types = _types_table(sums)
    return Section(
        tables=[types, _sites_table(sums), _practitioners_table(sums)],
        charts={"fidelity": proportion_chart(types, ["all"], first_column=2)},
    )


def clustered_fidelity(c: dict, group: str) -> Proportion:
    """(2nd ed.) Fidelity of a session type (or "all"), its interval clustered by participant."""
    return metrics_estimates.clustered_proportion(
        c[f"fid_{group}_n"],
        c[f"fid_{group}_y"],
        c[f"fid_{group}_x"],
        c[f"fid_{group}_yy"],
        c[f"fid_{group}_xy"],
        c[f"fid_{group}_xx"],
    )


def _has(sums: Sums, counter: str) -> bool:
    """Whether the snapshot's participants table has a counter (older schemas lack some)."""
    return counter in sums.participants.counters


def practitioner_site_ids(sums: Sums) -> dict[int, set[int]]:
    """The sites shown where each PWP has sessions with participants."""
    return sums.practitioner_sites


def site_codes(sums: Sums) -> dict[int, str]:
    """Every site's code by id (of all sites, not only those shown)."""
    return {s["id"]: s["code"] for s in sums.data["sites"]}


def _types_table(sums: Sums) -> Table:
    total = sums.sessions.total(sums.session_rows)
    clustered = _has(sums, "fid_all_n")
    table = Table(
        "fidelity_types",
        "Fidelity: share of the expected BCTs delivered, per session type",
        ["Session type", "Sessions attended", "Expected BCTs delivered"],
        note=FIDELITY_NOTE if clustered else OLD_FIDELITY_NOTE,
    )
    for t in SESSION_TYPES:
        table.rows.append(
            [
                SESSION_TYPE_LABELS.get(t, t),
                total[f"n_{t}"],
                _fidelity(sums.part, t, total[f"del_{t}"], total[f"exp_{t}"], clustered),
            ]
        )
    delivered = sum(total[f"del_{t}"] for t in SESSION_TYPES)
    expected = sum(total[f"exp_{t}"] for t in SESSION_TYPES)
    attended = sum(total[f"n_{t}"] for t in SESSION_TYPES)
    table.rows.append(
        ["All session types", attended, _fidelity(sums.part, "all", delivered, expected, clustered)]
    )
    return table


def _fidelity(c: dict, group: str, delivered: int, expected: int, clustered: bool) -> Proportion:
    """Clustered fidelity where the snapshot has its sums, else the share without an interval."""
    if clustered:
        return clustered_fidelity(c, group)
    return metrics.ratio_percent(delivered, expected)


def _session_row(label: str, c: dict, participants: dict | None = None) -> list:
    """A row of sessions, attendance share and fidelity: fidelity intervals only where the
    participants' cluster sums are given (per site), else the shares alone (per PWP)."""
    expected = sum(c[f"exp_{t}"] for t in SESSION_TYPES)
    delivered = sum(c[f"del_{t}"] for t in SESSION_TYPES)
    clustered = participants is not None
    p = participants or {}
    return [
        label,
        c["offered"],
        c["attended"],
        c["dna"],
        metrics.attendance_share(c["attended"], c["offered"]),
        _fidelity(p, "all", delivered, expected, clustered),
        *[_fidelity(p, t, c[f"del_{t}"], c[f"exp_{t}"], clustered) for t in SESSION_TYPES],
    ]


def _sites_table(sums: Sums) -> Table:
    table = Table(
        "fidelity_sites",
        "Sessions, attendance and fidelity per site",
        ["Site", *FIDELITY_COLUMNS],
        note=FIDELITY_NOTE if _has(sums, "fid_all_n") else OLD_FIDELITY_NOTE,
    )
    by_site = sums.sessions.group(sums.session_rows, "site_id")
    clustered = _has(sums, "fid_all_n")
    # Only the fidelity sums per site: summing every participant counter per site costs more.
    people = (
        sums.participants.group_some(sums.participant_rows, "site_id", FIDELITY_COUNTERS)
        if clustered
        else {}
    )
    no_one = dict.fromkeys(FIDELITY_COUNTERS, 0)
    for s in sums.sites:
        c = by_site.get(s["id"], sums.sessions.zero())
        p = people.get(s["id"], no_one) if clustered else None
        table.rows.append(_session_row(site_label(s), c, p))
    return table


def _practitioners_table(sums: Sums) -> Table:
    table = Table(
        "fidelity_pwps",
        "Sessions, attendance and fidelity per PWP",
        ["PWP", "Sites", *FIDELITY_COLUMNS],
        note="Per PWP the shares have no interval: the snapshot keeps participants' cluster "
        "sums per site, arm and month, not per PWP.",
    )
    names = {p["id"]: p["name"] for p in sums.data["workload"]["practitioners"]}
    codes = site_codes(sums)
    site_ids = practitioner_site_ids(sums)
    by_pwp = sums.sessions.group(sums.session_rows, "practitioner_id")
    for pid, c in sorted(by_pwp.items(), key=lambda kv: names.get(kv[0], "")):
        row = _session_row(names.get(pid, f"User {pid}"), c)
        shown = ", ".join(sorted({codes.get(i, "?") for i in site_ids.get(pid, ())}))
        table.rows.append([row[0], shown, *row[1:]])
    return table

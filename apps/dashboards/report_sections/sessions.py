"""Adherence and fidelity: sessions attended and missed, and the expected BCTs delivered."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.clinical.protocol import SessionType
from apps.dashboards import metrics
from apps.dashboards.participant_tables import SESSION_TYPES
from apps.dashboards.report_sections.cells import Section, Table, round_or_none, site_label
from apps.dashboards.report_sections.charts import proportion_chart
from apps.dashboards.report_sections.sums import Sums

SESSION_TYPE_LABELS = dict(SessionType.choices)
FIDELITY_COLUMNS = [
    "Offered",
    "Attended",
    "Did not attend",
    "Adherence",
    "Fidelity (all types)",
    *[f"Fidelity: {SESSION_TYPE_LABELS[t]}" for t in SESSION_TYPES],
]


def adherence_section(sums: Sums) -> Section:
    """Sessions attended and missed per participant, by arm."""
    table = Table(
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
                metrics.adherence(c["sessions_attended"], c["sessions_offered"]),
            ]
        )
    return Section([table])


def fidelity_section(sums: Sums) -> Section:
    """Expected BCTs delivered per session type (with its chart), per site and per PWP."""
    types = _types_table(sums)
    return Section(
        tables=[types, _sites_table(sums), _practitioners_table(sums)],
        charts={"fidelity": proportion_chart(types, ["all"], first_column=2)},
    )


def practitioner_site_ids(sums: Sums) -> dict[int, set[int]]:
    """The sites shown where each PWP has sessions with participants."""
    return sums.practitioner_sites


def site_codes(sums: Sums) -> dict[int, str]:
    """Every site's code by id (of all sites, not only those shown)."""
    return {s["id"]: s["code"] for s in sums.data["sites"]}


def _types_table(sums: Sums) -> Table:
    total = sums.sessions.total(sums.session_rows)
    table = Table(
        "fidelity_types",
        "Fidelity: share of the expected BCTs delivered, per session type",
        ["Session type", "Sessions attended", "Expected BCTs delivered"],
    )
    for t in SESSION_TYPES:
        table.rows.append(
            [
                SESSION_TYPE_LABELS.get(t, t),
                total[f"n_{t}"],
                metrics.proportion(total[f"del_{t}"], total[f"exp_{t}"]),
            ]
        )
    return table


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


def _sites_table(sums: Sums) -> Table:
    table = Table(
        "fidelity_sites",
        "Sessions, adherence and fidelity per site",
        ["Site", *FIDELITY_COLUMNS],
    )
    by_site = sums.sessions.group(sums.session_rows, "site_id")
    for s in sums.sites:
        table.rows.append(_session_row(site_label(s), by_site.get(s["id"], sums.sessions.zero())))
    return table


def _practitioners_table(sums: Sums) -> Table:
    table = Table(
        "fidelity_pwps",
        "Sessions, adherence and fidelity per PWP",
        ["PWP", "Sites", *FIDELITY_COLUMNS],
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

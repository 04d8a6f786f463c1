"""The headline figures above the dashboard's sections."""

from apps.dashboards import metrics
from apps.dashboards.report_sections.recruitment import expected_label, recruitment
from apps.dashboards.report_sections.safety import alert_totals
from apps.dashboards.report_sections.sums import Sums


def headline(sums: Sums) -> dict:
    """Screening and recruitment totals, their rates, 3-month completion and open alerts."""
    scr, part = sums.scr, sums.part
    eligible = scr["eligible_and_declined"]
    return {
        "screened": scr["screened"],
        "eligible": eligible,
        "consented": scr["consented"],
        "randomised": part["randomised"],
        "target": sum(s["target"] for s in sums.sites),
        "expected_now": round(sum(sums.expected_now.values()), 1),
        "expected_label": expected_label(sums),
        "recruitment": recruitment(sums),
        "eligibility_rate": metrics.eligibility_rate(eligible, scr["screened"]),
        "consent_rate": metrics.consent_rate(scr["consented"], eligible),
        "completion_3m": metrics.retention(part["m3_done"], part["m3_due"]),
        "alerts_open": alert_totals(sums)["open"],
        "enrolled_word": sums.enrolled_word,
    }

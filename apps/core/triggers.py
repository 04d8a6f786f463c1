"""Database triggers shared by several clinical tables."""

import pgtrigger


def not_before_screening(date_column: str, *, cast: str = "date") -> pgtrigger.Trigger:
    """Refuse a row whose date falls before its participant's screening date."""
    return pgtrigger.Trigger(
        name=f"{date_column}_not_before_screening",
        operation=pgtrigger.Insert | pgtrigger.Update,
        when=pgtrigger.Before,
        func=pgtrigger.Func(
            f"IF NEW.{date_column} IS NOT NULL AND NEW.{date_column}::{cast} < "
            "(SELECT screened_on FROM patients_participant WHERE id = NEW.participant_id) THEN "
            f"RAISE EXCEPTION '{date_column} is before the participant was screened' "
            "USING ERRCODE = 'check_violation'; END IF; RETURN NEW;"
        ),
    )


# SQLSTATE of a write refused because its site (or the whole pilot) is locked for analysis;
# apps/core/lock_errors.py turns it into the page's and the API's message.
LOCKED_SQLSTATE = "QPLCK"
# How a row leads to its site: a column of its own, or its parent's participant.
_SITE_OF = {
    "site": "rec.site_id",
    "participant": "(SELECT site_id FROM patients_participant WHERE id = rec.participant_id)",
    "session": (
        "(SELECT p.site_id FROM cessation_cessationsession s JOIN patients_participant p "
        "ON p.id = s.participant_id WHERE s.id = rec.session_id)"
    ),
    "query": (
        "(SELECT p.site_id FROM conduct_dataquery q JOIN patients_participant p "
        "ON p.id = q.participant_id WHERE q.id = rec.query_id)"
    ),
    "alert": (
        "(SELECT p.site_id FROM outcomes_safetyalert a JOIN patients_participant p "
        "ON p.id = a.participant_id WHERE a.id = rec.alert_id)"
    ),
}


def refused_while_locked(via: str) -> pgtrigger.Trigger:
    """Refuse every insert, update and delete of a row whose site or pilot is locked.

    The database holds the lock, so no path (page, API, admin, task, shell) writes past it.
    `via` names how the row leads to its site (a key of _SITE_OF).
    """
    return pgtrigger.Trigger(
        name="refused_while_locked",
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        when=pgtrigger.Before,
        declare=[("rec", "RECORD"), ("row_site", "bigint")],
        func=pgtrigger.Func(
            "IF TG_OP = 'DELETE' THEN rec := OLD; ELSE rec := NEW; END IF; "
            f"row_site := {_SITE_OF[via]}; "
            "IF EXISTS (SELECT 1 FROM trial_sites_datalock l WHERE l.unlocked_at IS NULL "
            "AND (l.site_id IS NULL OR l.site_id = row_site)) THEN "
            "RAISE EXCEPTION 'the site is locked for analysis: writes are refused' "
            f"USING ERRCODE = '{LOCKED_SQLSTATE}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
        ),
    )

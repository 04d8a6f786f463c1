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

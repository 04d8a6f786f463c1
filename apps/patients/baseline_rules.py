"""The baseline form's cross-field rules, shared by the form (first round, with the field
errors) and the journey service (every other path)."""

from datetime import date

from apps.core.errors import DomainError

ADULT_FROM_AGE = 18
EARLIEST_YEAR_OF_BIRTH = 1900


def baseline_errors(
    *, recorded_on: date | None, year_of_birth: int | None, consented_on: date | None
) -> list[DomainError]:
    """Every rule the baseline's dates break, each naming its field."""
    errors = []
    if recorded_on is not None and consented_on is not None and recorded_on < consented_on:
        on = f"{consented_on.day} {consented_on:%b %Y}"
        errors.append(
            DomainError(f"The baseline cannot be before consent ({on}).", field="recorded_on")
        )
    if year_of_birth is not None and recorded_on is not None:
        latest = recorded_on.year - ADULT_FROM_AGE
        if year_of_birth > recorded_on.year:
            errors.append(
                DomainError("Year of birth cannot be in the future.", field="year_of_birth")
            )
        elif not EARLIEST_YEAR_OF_BIRTH <= year_of_birth <= latest:
            errors.append(
                DomainError(
                    f"Year of birth must be from {EARLIEST_YEAR_OF_BIRTH} to {latest}: the "
                    "participant must be 18 or over.",
                    field="year_of_birth",
                )
            )
    return errors

"""The life of a data query: which step each status allows, and what each step must say."""

TEXT_MAX_LENGTH = 2000
# A query still waiting after this many days is overdue (open for the site, answered for the
# raiser): the caseload flags it and the dashboard counts it.
OVERDUE_AFTER_DAYS = 14
# (status, action) -> the status after it.
TRANSITIONS = {
    ("open", "answer"): "answered",
    ("open", "close"): "closed",
    ("answered", "close"): "closed",
    ("answered", "reopen"): "open",
    ("closed", "reopen"): "open",
}
TEXT_NEEDED = {
    "raise": "Write the query: what looks wrong and what to check.",
    "answer": "Write the answer: what was checked, and what was corrected if anything was.",
    "reopen": "Say why the query is re-opened.",
}
REFUSED = {
    (
        "closed",
        "answer",
    ): "This query is closed: it cannot be answered. Ask for it to be re-opened.",
    ("answered", "answer"): "This query has been answered: the raiser closes or re-opens it.",
    ("open", "reopen"): "This query is open already.",
    ("closed", "close"): "This query is closed already.",
}


def step_errors(status: str, action: str, text: str) -> dict[str, str]:
    """Every broken rule of taking `action` on a query in `status`, as {field: message}."""
    errors: dict[str, str] = {}
    if action != "raise" and (status, action) not in TRANSITIONS:
        errors["action"] = REFUSED.get((status, action), f"A {status} query cannot take that step.")
    text = text.strip()
    if not text and action in TEXT_NEEDED:
        errors["text"] = TEXT_NEEDED[action]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = f"Write at most {TEXT_MAX_LENGTH} characters."
    return errors


def status_after(status: str, action: str) -> str:
    """The status a query has after the step (a raised query is open)."""
    return "open" if action == "raise" else TRANSITIONS[(status, action)]


def is_overdue(status: str, age_days: int) -> bool:
    """Whether a query not yet closed has waited longer than OVERDUE_AFTER_DAYS."""
    return status != "closed" and age_days > OVERDUE_AFTER_DAYS


def days_to_close(raised_on, closed_on) -> int:
    """Whole days from raising a query to closing it (the dashboard's time to resolve)."""
    return (closed_on - raised_on).days

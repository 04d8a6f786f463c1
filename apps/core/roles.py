"""Roles and what each may do; the only place role names are compared."""

from django.db import models


class Role(models.TextChoices):
    PWP = "pwp", "Psychological wellbeing practitioner"
    ADVISOR = "advisor", "Stop smoking advisor"
    SITE_LEAD = "site_lead", "Site lead"
    TRIAL_MANAGER = "trial_manager", "Trial manager"
    DATA_MANAGER = "data_manager", "Data manager"
    # The sponsor's monitor: reads the sites assigned to them, raises data queries, writes nothing.
    MONITOR = "monitor", "Trial monitor"
    ADMIN = "admin", "Administrator"


ALL_SITES_ROLES = frozenset({Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.ADMIN})
CLINICAL_WRITE_ROLES = frozenset({Role.PWP, Role.SITE_LEAD})
# Who starts on the dashboard after signing in; everyone else starts on the caseload.
DASHBOARD_FIRST_ROLES = frozenset({Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.ADVISOR})
DASHBOARD_ROLES = frozenset(
    {Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.SITE_LEAD, Role.ADMIN, Role.MONITOR}
)
EXPORT_ROLES = frozenset({Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.ADMIN})
HISTORY_ROLES = frozenset({Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.ADMIN, Role.MONITOR})
CRITERIA_EDITOR_ROLES = frozenset({Role.TRIAL_MANAGER, Role.ADMIN})
# Who viewed contact details and downloaded exports: the trial managers oversee it.
ACCESS_LOG_ROLES = frozenset({Role.TRIAL_MANAGER})
SERIOUS_ADVERSE_EVENT_ROLES = ALL_SITES_ROLES | {Role.SITE_LEAD}
# Who raises data queries and closes or re-opens them; the site's clinical staff answer them.
QUERY_RAISER_ROLES = frozenset({Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.MONITOR})
# Source data verification is the monitor's independent check: nobody who enters data verifies it.
SOURCE_VERIFIER_ROLES = frozenset({Role.MONITOR})
# A trial manager freezes the data for analysis; lifting it needs a second person, a data manager.
DATA_LOCK_ROLES = frozenset({Role.TRIAL_MANAGER})
DATA_UNLOCK_ROLES = frozenset({Role.DATA_MANAGER})
# The site staff on a site's delegation log: what they do for the trial there must be delegated
# to them. Central staff (trial and data managers, monitors) work under the sponsor, not a site.
DELEGATED_ROLES = frozenset({Role.PWP, Role.ADVISOR, Role.SITE_LEAD})
# A site lead delegates duties at their site (as a principal investigator would); a trial
# manager can for any site.
DELEGATION_AUTHORISER_ROLES = frozenset({Role.SITE_LEAD, Role.TRIAL_MANAGER})


def sees_all_sites(user) -> bool:
    """Whether the user's role gives access to every site."""
    return bool(user.is_authenticated and user.role in ALL_SITES_ROLES)


def can_write_clinical(user) -> bool:
    """Whether the user may record screening, consent, sessions and measures."""
    return bool(user.is_authenticated and user.role in CLINICAL_WRITE_ROLES)


def can_view_dashboards(user) -> bool:
    """Whether the user may open the feasibility dashboards."""
    return bool(user.is_authenticated and user.role in DASHBOARD_ROLES)


def can_export(user) -> bool:
    """Whether the user may build and download analysis exports."""
    return bool(user.is_authenticated and user.role in EXPORT_ROLES)


def can_read_history(user) -> bool:
    """Whether the user may read the audit trail."""
    return bool(user.is_authenticated and user.role in HISTORY_ROLES)


def can_read_access_log(user) -> bool:
    """Whether the user may read the access log (views of contact details, downloads)."""
    return bool(user.is_authenticated and user.role in ACCESS_LOG_ROLES)


def can_edit_progression_criteria(user) -> bool:
    """Whether the user may change the progression criteria's traffic-light thresholds."""
    return bool(user.is_authenticated and user.role in CRITERIA_EDITOR_ROLES)


def can_view_serious_adverse_events(user) -> bool:
    """Whether the user may open the serious adverse events page (site leads and managers)."""
    return bool(user.is_authenticated and user.role in SERIOUS_ADVERSE_EVENT_ROLES)


def can_raise_queries(user) -> bool:
    """Whether the user may raise a data query and close or re-open one."""
    return bool(user.is_authenticated and user.role in QUERY_RAISER_ROLES)


def can_verify_source(user) -> bool:
    """Whether the user may mark a participant's records verified against the source."""
    return bool(user.is_authenticated and user.role in SOURCE_VERIFIER_ROLES)


def can_lock_data(user) -> bool:
    """Whether the user may lock the pilot or a site for analysis."""
    return bool(user.is_authenticated and user.role in DATA_LOCK_ROLES)


def can_unlock_data(user) -> bool:
    """Whether the user may lift a lock."""
    return bool(user.is_authenticated and user.role in DATA_UNLOCK_ROLES)


def needs_delegation(user) -> bool:
    """Whether the user's trial duties must be on a site's delegation log (site staff)."""
    return bool(user is not None and getattr(user, "role", None) in DELEGATED_ROLES)


def can_authorise_delegation(user) -> bool:
    """Whether the user may delegate duties and record training (site leads, trial managers)."""
    return bool(user.is_authenticated and user.role in DELEGATION_AUTHORISER_ROLES)


def can_view_delegation_log(user) -> bool:
    """Whether the user may read the delegation and training log (the oversight roles)."""
    return can_view_dashboards(user)


def starts_on_dashboard(user) -> bool:
    """Trial managers, data managers and advisors land on the dashboard, not the caseload."""
    return getattr(user, "role", None) in DASHBOARD_FIRST_ROLES

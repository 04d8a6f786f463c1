"""Every URL pattern of the project, and a real URL for each, filled from a World.

A pattern whose parameters this module cannot fill fails the tests that walk the patterns
(add it to PUBLIC_ID_OWNER or fill_kwargs), so a new page cannot slip past the suite.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.security.world import SiteObjects, World, password_reset_kwargs


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name ("api:participant-detail"), route and parameters."""

    name: str
    route: str
    params: tuple[str, ...]
    regex: bool
    callback: object = None

    @property
    def methods(self) -> tuple[str, ...]:
        """The HTTP methods an API view answers; GET and POST for a page (its decorators
        decide)."""
        cls = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if cls is None:
            return ("get", "post")
        verbs = ("get", "post", "put", "patch", "delete")
        return tuple(v for v in verbs if hasattr(cls, v))

    @property
    def is_admin(self) -> bool:
        """Whether the Django admin serves it."""
        return self.route.startswith("admin/")

    @property
    def is_api(self) -> bool:
        """Whether it is part of the REST API."""
        return self.route.startswith("api/")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + _text(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            regex = isinstance(pattern.pattern, RegexPattern) or isinstance(
                getattr(pattern, "pattern", None), RegexPattern
            )
            route = prefix + _text(pattern.pattern)
            params = tuple(pattern.pattern.regex.groupindex)
            yield Route(full, route, params, regex, pattern.callback)


def _text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    return str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")


def every_route() -> list[Route]:
    """Each URL pattern once (the first of patterns with the same route answers)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.route, route)
    return list(seen.values())


# Which object a <uuid:public_id> names, by URL name; unlisted names fall to the participant
# only when listed in PARTICIPANT_ROUTES.
PUBLIC_ID_OWNER = {
    "api:screening-detail": "screening",
    "screening-correct": "screening",
    "api:adverse-event-detail": "adverse_event",
    "api:session-detail": "session",
    "session-edit": "session",
    "api:follow-up-detail": "follow_up",
    "reminders:send-link": "follow_up",
    "reminders:open-on-tablet": "follow_up",
    "reminders:task-done": "follow_up",
    "reminders:undelivered-seen": "follow_up",
    "reminders:uncertain-resolve": "follow_up",
    "api:safety-alert-detail": "alert",
    "api:safety-alert-acknowledge": "alert",
    "alert-acknowledge": "alert",
    "api:export-detail": "export",
    "api:export-download": "export",
    "export-status": "export",
    "export-download": "export",
    "participant-detail": "participant",
    "participant-consent": "participant",
    "participant-consent-correct": "participant",
    "participant-exit-correct": "participant",
    "participant-baseline-correct": "participant",
    "participant-baseline": "participant",
    "participant-randomise": "participant",
    "participant-withdraw": "participant",
    "participant-lost": "participant",
    "participant-complete": "participant",
    "participant-history": "participant",
    "participant-interview-contact": "participant",
    "session-create": "participant",
    "follow-up-record": "participant",
    "adverse-event-new": "participant",
    "adverse-event-edit": "participant",
    "deviation-new": "participant",
    "measure-correct": "participant",
    "query-new": "participant",
    "source-verify": "participant",
    "query-detail": "query",
    "query-step": "query",
    "api:query-detail": "query",
    "api:query-answer": "query",
    "api:query-close": "query",
    "api:query-reopen": "query",
    "api:token-detail": "api_token",
    "api-token-revoke": "api_token",
}


# Which measure a <uuid:record_id> names, by URL name (a PHQ-9 unless listed).
RECORD_OWNER = {
    "api:participant-gad7-detail": lambda objects: objects.gad7,
    "api:participant-co-reading-detail": lambda objects: objects.co_reading,
    "api:participant-smoking-status-detail": lambda objects: objects.smoking_report,
}


def fill_kwargs(route: Route, world: World, objects: SiteObjects) -> dict:
    """Real values for the route's parameters, naming `objects` (one site's) where a site
    applies; raises KeyError for a parameter nobody taught this function."""
    if route.is_admin:
        return _admin_kwargs(route, world)
    values = {}
    for param in route.params:
        if param == "public_id":
            owner = PUBLIC_ID_OWNER[route.name]
            target = world.export if owner == "export" else getattr(objects, owner)
            values[param] = target.public_id
        elif route.name == "password_reset_confirm":
            values.update(password_reset_kwargs(world.superuser))
        else:
            values[param] = _simple(param, route, world, objects)
    return values


def _simple(param: str, route: Route, world: World, objects: SiteObjects):
    if param == "trial_id":
        return objects.participant.trial_id
    if param == "code":
        return objects.site.code
    if param == "token" and route.name.startswith("questionnaire:"):
        return objects.link_token
    if param == "passkey_id":
        return objects.passkey.credential_id_sha256
    if param == "section":
        return "phq9"
    if param == "follow_up_id":
        return objects.follow_up.public_id
    if param == "event_id":
        return objects.adverse_event.public_id
    if param == "kind":
        return "phq9"
    if param == "action":
        return "answer"
    if param == "record_id":
        return RECORD_OWNER.get(route.name, lambda o: o.phq9)(objects).public_id
    if param == "pk" and route.name in ("data-unlock", "api:data-unlock"):
        return 0  # no lock: a lock in the world would freeze every other page's writes
    if param == "pk" and route.name in ("delegation-end", "api:delegation-end"):
        return _delegation_at(objects.participant.site_id)
    if param == "key":
        return world.csv_key if route.name == "dashboard-csv" else world.criterion_key
    raise KeyError(f"{route.name or route.route}: no value for <{param}>")


def _delegation_at(site_id: int) -> int:
    """A duty delegated at the site (the world's staff hold every duty at theirs)."""
    from apps.delegation.models import Delegation

    return Delegation.objects.filter(site_id=site_id).values_list("pk", flat=True).first()


def _admin_models() -> dict[str, object]:
    return {f"admin/{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}


def _admin_kwargs(route: Route, world: World) -> dict:
    values = {}
    for param in route.params:
        if param == "object_id" and route.name == "admin:view_on_site":
            values[param] = world.superuser.pk
        elif param in ("object_id", "id", "pk"):
            model = next(m for p, m in _admin_models().items() if route.route.startswith(p))
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            values[param] = pk if pk is not None else 0
        elif param == "content_type_id":
            values[param] = ContentType.objects.get_for_model(type(world.superuser)).pk
        elif param == "app_label":
            values[param] = "accounts"
        elif param == "url":
            values[param] = "no-such-page/"
        else:
            raise KeyError(f"{route.route}: no value for <{param}>")
    return values


def url_for(route: Route, world: World, site: str = "a") -> str:
    """The path of the route with its parameters naming site `site`'s objects."""
    kwargs = fill_kwargs(route, world, world.site(site))
    if route.name and not (route.regex and not route.params and route.name == ""):
        try:
            return reverse(route.name, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - shadowed duplicates; fill the route text instead
            pass
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path

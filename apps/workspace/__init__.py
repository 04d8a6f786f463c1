"""The staff workspace over one participant and a caseload: pages, API endpoints and reads that
span the apps (sessions, measures, follow-ups, alerts, adverse events, derived outcomes).

The top of the domain apps: it may import any of them and none imports it, only dashboards and
demo (docs/decisions.md, "App dependencies"). URL names keep the `patients:` namespace.
"""

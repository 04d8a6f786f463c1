"""The clinical rules as pure functions and constants: scores, windows, the protocol's sessions and
behaviour change techniques, participant status transitions, participant-level outcomes.

No ORM queries and no settings: values in, values out. Every app may import this package; it
imports no app but apps.core (docs/decisions.md, "App dependencies").
"""

"""A participant's way through the trial across the apps (apps/journey/services.py)."""

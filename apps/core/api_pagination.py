"""Cursor pagination: stable pages however many rows are added while a client pages through."""

from rest_framework.pagination import CursorPagination


class QuitPilotCursorPagination(CursorPagination):
    """Cursor pages of 50 (up to 200 with ?page_size=); newest first unless a view says so."""

    ordering = "-created_at"
    page_size_query_param = "page_size"
    max_page_size = 200

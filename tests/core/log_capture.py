"""Capture what the configured logging handlers (settings.LOGGING) actually write."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


def configured_handlers() -> list[logging.Handler]:
    """Every handler settings.LOGGING attached to the root logger or a named logger."""
    names = ["", *settings.LOGGING.get("loggers", {})]
    found: list[logging.Handler] = []
    for name in names:
        for handler in logging.getLogger(name or None).handlers:
            if handler not in found and handler.get_name() in settings.LOGGING["handlers"]:
                found.append(handler)
    return found


@contextmanager
def handler_output(level: int = logging.DEBUG) -> Iterator[io.StringIO]:
    """Point every configured stream handler at one buffer, every configured logger at `level`."""
    buffer = io.StringIO()
    handlers = [h for h in configured_handlers() if isinstance(h, logging.StreamHandler)]
    assert handlers, "settings.LOGGING configured no stream handler"
    loggers = [logging.getLogger(name or None) for name in ["", *settings.LOGGING["loggers"]]]
    levels = [logger.level for logger in loggers]
    streams = [handler.setStream(buffer) for handler in handlers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)
        for logger, old in zip(loggers, levels, strict=True):
            logger.setLevel(old)

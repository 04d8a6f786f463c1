"""The API's JSON parser: refuses bodies nested too deep before the json module recurses.

Python's json parser recurses once per `[` or `{`: 100,000 of them raise RecursionError, which
DRF does not catch, and the API answered 500. No QuitPilot payload nests more than a few levels,
so the body is scanned first and anything deeper than MAX_JSON_DEPTH is a 400 naming the rule.
"""

import codecs
import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_JSON_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def exceeds_depth(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text opens more than `limit` arrays or objects inside one another."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class DepthLimitedJSONParser(parsers.JSONParser):
    """DRF's JSONParser with the nesting depth checked before parsing."""

    def parse(self, stream, media_type=None, parser_context=None):
        """The parsed body; ParseError (400) for bad JSON or JSON nested too deep."""
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as exc:  # UnicodeDecodeError included
            raise ParseError(f"JSON parse error - {exc}") from exc
        if exceeds_depth(text):
            raise ParseError(
                f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; "
                "no request of this API needs more.",
                code="too_deeply_nested",
            )
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc

"""Fixed report inputs and a lossless dump of a Report, for the golden comparison."""

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from apps.dashboards.metrics import MeanEstimate, Proportion
from apps.dashboards.report import Filters, build_report, report_to_dict

HERE = Path(__file__).parent
DOCUMENTS = HERE / "report_documents.json"
GOLDEN = HERE / "report_golden.json"
CRITERIA = [
    {"key": "enrolment", "label": "Enrolment", "green_from": Decimal("20"), "amber_from": 10},
    {"key": "recruitment", "label": "Recruitment", "green_from": Decimal("80"), "amber_from": 60},
    {"key": "completeness", "label": "Completeness", "green_from": 70, "amber_from": 50},
    {"key": "quit_attempt", "label": "Quit attempt", "green_from": 8, "amber_from": 4},
    {"key": "retention_3m", "label": "Retention", "green_from": 70, "amber_from": 50},
    {"key": "unheard_of", "label": "No metric", "green_from": 1, "amber_from": 0},
]
# (document, sites, arm, month_from, month_to)
CASES = [
    ("pilot", "all", "", "", ""),
    ("pilot", "first", "", "", ""),
    ("pilot", "second", "control", "", ""),
    ("pilot", "all", "intervention", "", ""),
    ("pilot", "all", "control", "", ""),
    ("pilot", "all", "single", "", ""),
    ("pilot", "all", "", "2025-02", "2025-02"),
    ("pilot", "all", "", "2025-03", ""),
    ("pilot", "all", "intervention", "", "2025-01"),
    ("pilot", "none", "", "", ""),
    ("pilot_schema1", "all", "", "", ""),
    ("pilot_single_arm", "all", "", "", ""),
    ("pilot_single_arm", "first", "single", "2025-02", ""),
    ("pilot_legacy", "all", "", "", ""),
    ("demo", "all", "", "", ""),
    ("demo", "pair", "", "", ""),
    ("demo", "all", "intervention", "2025-09", "2026-03"),
    ("demo", "second", "control", "2026-06", ""),
    ("demo", "all", "", "", "2025-12"),
    ("demo", "all", "", "2026-10", "2027-03"),
    ("demo", "all", "", "2026-05", "2026-01"),
    ("demo", "none", "control", "", ""),
    ("demo_schema1", "pair", "", "", ""),
    ("demo_single_arm", "all", "", "", ""),
    ("demo_single_arm", "pair", "", "2025-08", "2026-02"),
    ("demo_legacy", "first", "intervention", "2026-01", ""),
]
SITES = {
    "all": lambda ids: ids,
    "first": lambda ids: ids[:1],
    "second": lambda ids: ids[1:2],
    "pair": lambda ids: ids[1:3],
    "none": lambda ids: [],
}


def documents() -> dict[str, dict]:
    """The stored documents and, for each, an older-schema, a single-arm and a legacy copy."""
    out = {}
    for name, doc in json.loads(DOCUMENTS.read_text()).items():
        for variant, copy in variants(doc).items():
            out[name if variant == "stored" else f"{name}_{variant}"] = copy
    return out


def variants(doc: dict) -> dict[str, dict]:
    """A document as stored, an older-schema copy, a single-arm copy and a first-schema copy."""
    schema1 = json.loads(json.dumps(doc))
    schema1["schema"] = 1
    legacy = json.loads(json.dumps(schema1))
    del legacy["schema"], legacy["adverse_events"]
    single = json.loads(json.dumps(doc))
    single["randomised"] = False
    for table in single.values():
        if isinstance(table, dict) and "arm" in table.get("columns", []):
            i = table["columns"].index("arm")
            for row in table["rows"]:
                row[i] = "single"
    return {"stored": doc, "schema1": schema1, "single_arm": single, "legacy": legacy}


def plain(value):
    """Any report value as JSON, keeping types apart (a Proportion is not a dict)."""
    if isinstance(value, Proportion | MeanEstimate):
        return {type(value).__name__: [plain(v) for v in dataclasses.astuple(value)]}
    if dataclasses.is_dataclass(value):
        return {
            type(value).__name__: {
                f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
        }
    if isinstance(value, dict):
        return {"dict": [[plain(k), plain(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"tuple": [plain(v) for v in value]}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return {"set": sorted(value)}
    if isinstance(value, date | Decimal):
        return {type(value).__name__: str(value)}
    return value


def reports(documents: dict[str, dict]) -> list:
    """Every case's report, dumped."""
    out = []
    for name, sites, arm, month_from, month_to in CASES:
        doc = documents[name]
        ids = [s["id"] for s in doc["sites"]]
        filters = Filters(frozenset(SITES[sites](ids)), arm, month_from, month_to)
        report = build_report(doc, filters, CRITERIA)
        case = {"case": [name, sites, arm, month_from, month_to], "report": plain(report)}
        if sites == "all" and not arm:
            case["api"] = report_to_dict(report)
        out.append(case)
    return out

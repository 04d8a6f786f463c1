"""Analysis exports: validated filters and the file writers (CSV, Stata, SPSS; the steering
committee report is written by committee_build.py).

The variables are in export_dictionary.py and the rows in export_rows.py. CSV goes straight to
disk; Stata and SPSS files are written by pyreadstat with variable and value labels. A value
missing for a reason (export_missing.Reason) is an empty CSV cell, a labelled extended missing
value (.a-.f) in Stata and a labelled, declared user-missing code (-991 to -996) in SPSS; a
value missing at a completed timepoint (not recorded there) is plain missing. Only the trial ID
identifies anyone: no contact details, no names, no year of birth.
"""

import csv
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings

from apps.core.errors import DomainError
from apps.dashboards.export_dictionary import ARMS, Variable
from apps.dashboards.export_missing import REASONS, SPSS_MISSING_RANGE, Reason
from apps.dashboards.export_rows import dataset_rows
from apps.dashboards.models import ExportDataset, ExportFormat, ExportJob
from apps.dashboards.report_versions import ReportVersion
from apps.sites.selectors import sites_visible_to

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def clean_filters(filters: dict, *, user) -> dict:
    """Validated export filters: a site code the user can see and/or an arm."""
    site = str(filters.get("site") or "").strip().upper()
    arm = str(filters.get("arm") or "").strip()
    unknown = set(filters) - {"site", "arm"}
    if unknown:
        raise DomainError(f"Unknown filter: {sorted(unknown)[0]}.", field="filters")
    if site and not sites_visible_to(user).filter(code=site).exists():
        raise DomainError("Choose a site you can see.", field="site")
    if arm and arm not in ARMS:
        raise DomainError(f"Choose an arm: {', '.join(ARMS)}.", field="arm")
    return {key: value for key, value in (("site", site), ("arm", arm)) if value}


def clean_report_filters(filters: dict, *, user) -> dict:
    """Validated steering committee report options: its version, open (the default) or closed.

    The report covers every site: only roles that see every site may export (EXPORT_ROLES).
    """
    unknown = set(filters) - {"version"}
    if unknown:
        raise DomainError(f"Unknown report option: {sorted(unknown)[0]}.", field="filters")
    version = str(filters.get("version") or ReportVersion.OPEN).strip()
    choices = [v.value for v in ReportVersion]
    if version not in choices:
        raise DomainError(f"Choose a report version: {', '.join(choices)}.", field="version")
    return {"version": version}


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None or isinstance(value, Reason) else value


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def write_export(job: ExportJob, progress: Callable[[int], None]) -> tuple[Path, int]:
    """Write the job's file under EXPORT_ROOT; returns its path and the number of rows."""
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{job.public_id}-{job.dataset}.{job.file_format}"
    # Each attempt writes its own partial file: a build taken over from a stalled worker never
    # shares one with the worker it replaced.
    partial = path.with_suffix(f"{path.suffix}.{secrets.token_hex(4)}.part")
    try:
        count = _write_file(job, partial, progress)
    except BaseException:
        partial.unlink(missing_ok=True)  # half a file of participant data is still data
        raise
    os.replace(partial, path)
    return path, count


def _write_file(job: ExportJob, partial: Path, progress: Callable[[int], None]) -> int:
    if job.dataset == ExportDataset.STEERING_REPORT:
        # Imported here: the report brings scipy and reportlab (about 80 MB), which a dataset
        # export never needs.
        from apps.dashboards.committee_build import write_committee_report

        return write_committee_report(job, partial, progress)
    variables, rows, _total = dataset_rows(job.dataset, job.filters or {}, progress)
    if job.file_format == ExportFormat.CSV:
        return _write_csv(partial, variables, rows)
    return _write_labelled(partial, variables, rows, job.file_format)


def _write_csv(path: Path, variables: list[Variable], rows: Iterator[list]) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([v.name for v in variables])
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
    return count


def _codes(variable: Variable) -> dict[str, int]:
    return {code: i for i, code in enumerate(variable.values or {}, start=1)}


def _reason_code(reason: Reason, fmt: str):
    return reason.stata if fmt == ExportFormat.STATA else float(reason.spss)


def _stored(v: Variable, value, fmt: str, codes: dict[str, int]):
    """One cell as the Stata or SPSS frame holds it."""
    if isinstance(value, Reason):
        # Only numbers carry the codes: string and date columns are left empty.
        return _reason_code(value, fmt) if v.numeric else None
    if value is None or not v.numeric:
        return value
    if v.type == "category":
        value = codes.get(value)
    return None if value is None else float(value)


def _value_labels(v: Variable, fmt: str) -> dict:
    """Its value labels as stored: categories 1, 2, ...; booleans and coded integers as they
    are; then the reason codes where it carries them."""
    if v.type == "category":
        labels = {float(i): v.values[code] for code, i in _codes(v).items()}
    else:
        labels = {float(k): label for k, label in (v.values or {}).items()}
    if v.carries_reasons:
        labels |= {_reason_code(r, fmt): r.label for r in REASONS}
    return {code: label[:80] for code, label in labels.items()}


def _write_labelled(path: Path, variables: list[Variable], rows: Iterator[list], fmt: str) -> int:
    import pandas as pd
    import pyreadstat

    codes = {v.name: _codes(v) for v in variables}
    columns: dict[str, list] = {v.name: [] for v in variables}
    for row in rows:
        for v, value in zip(variables, row, strict=True):
            columns[v.name].append(_stored(v, value, fmt, codes[v.name]))
    frame = pd.DataFrame(columns)
    for v in variables:
        if v.carries_reasons and fmt == ExportFormat.STATA:
            # Numbers beside the letters of extended missing values, as pyreadstat takes them.
            frame[v.name] = frame[v.name].astype(object)
        elif v.numeric:
            frame[v.name] = pd.to_numeric(frame[v.name], errors="coerce").astype("float64")
        elif v.type == "date":
            frame[v.name] = pd.to_datetime(frame[v.name]).dt.date
        else:
            frame[v.name] = frame[v.name].fillna("").astype(str)
    labels = {v.name: v.label[:80] for v in variables}
    value_labels = {
        v.name: _value_labels(v, fmt) for v in variables if v.values or v.carries_reasons
    }
    coded = [v.name for v in variables if v.carries_reasons]
    if fmt == ExportFormat.STATA:
        pyreadstat.write_dta(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_user_values={name: [r.stata for r in REASONS] for name in coded},
            version=15,
        )
    else:
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges={name: [SPSS_MISSING_RANGE] for name in coded},
        )
    return len(frame)

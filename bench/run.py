"""Run every benchmark and write the figures into docs/benchmarks.md.

    python bench/run.py [--scale 150] [--fresh] [--only dashboards,exports,reminders]
    python bench/run.py --only patients [--patients 200] [--seconds 60]

Needs DATABASE_URL and REDIS_URL (`make bench` sets them). The dashboard and export benches use
a separate database per scale, seeded once with `seed_demo --scale N` and reused by later runs:
`<your database>_bench` at 150 (about 20,000 participants), `<your database>_bench<N>` at any
other scale (`_bench750`: about 100,000); --fresh drops and reseeds it. Each scale's figures go
between their own markers in docs/benchmarks.md (`bench:dashboards`, or `bench:dashboards-750`
at scale 750, and so on). The reminders bench (bench/reminders_bench.py, when present) makes and
drops its own throwaway database, and so does the patient load bench (bench/patient_load.py,
`--only patients`: concurrent patients answering questionnaires against gunicorn).
"""

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS_DIR = ROOT / "var"


def _say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


DEFAULT_SCALE = 150


def bench_database_url(url: str, scale: int = DEFAULT_SCALE) -> str:
    """The scale's bench database beside the configured one: name + '_bench' (+ the scale)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "quitpilot"
    suffix = "_bench" if scale == DEFAULT_SCALE else f"_bench{scale}"
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def section_name(name: str, scale: int) -> str:
    """The docs section (markers) of a bench's figures at this scale."""
    return name if scale == DEFAULT_SCALE else f"{name}-{scale}"


def section_heading(name: str, scale: int) -> str:
    """The heading a new section gets in docs/benchmarks.md."""
    title = name.capitalize()
    return title if scale == DEFAULT_SCALE else f"{title} at --scale {scale}"


def _admin_connection(url: str):
    """A connection to the server's `postgres` database (works for TCP and socket URLs)."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def _manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(url: str, *, scale: int, fresh: bool) -> dict:
    """Create, migrate and seed the bench database unless a seeded one is already there."""
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    _manage(url, "migrate", "--noinput", "-v0")
    import psycopg

    with psycopg.connect(url) as conn:
        participants = conn.execute("SELECT COUNT(*) FROM patients_participant").fetchone()[0]
    seeded_seconds = None
    if participants == 0:
        _say(f"seeding {name} with seed_demo --scale {scale} (several minutes)")
        started = time.perf_counter()
        _manage(url, "seed_demo", "--scale", str(scale))
        seeded_seconds = round(time.perf_counter() - started, 1)
    else:
        _say(f"reusing {name} ({participants} participants); --fresh reseeds it")
    return {"database": name, "seeded_seconds": seeded_seconds}


def _load(name: str):
    path = ROOT / "bench" / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------
# Writing docs/benchmarks.md
# --------------------------------------------------------------------------------------------


def _yes(flag: bool) -> str:
    return "met" if flag else "**not met**"


TARGET_LABELS = {
    "snapshot_under_10s": "snapshot build under 10 s",
    "snapshot_under_60s": "snapshot build under 60 s",
    "snapshot_peak_memory_under_1gb": "snapshot build peak memory under 1 GB",
    "page_p95_empty_cache_under_150ms": "dashboard p95 under 150 ms with an empty figures cache",
    "page_p95_cached_under_30ms": "dashboard p95 under 30 ms from the figures cache",
    "participant_page_p95_under_100ms": "participant page p95 under 100 ms",
    "wide_csv_under_10s": "wide CSV under 10 s",
    "wide_csv_under_60s": "wide CSV under 60 s",
    "wide_csv_peak_memory_under_300mb": "wide CSV peak memory under 300 MB",
    "wide_csv_peak_memory_under_500mb": "wide CSV peak memory under 500 MB",
}


def targets_markdown(targets: dict) -> str:
    """The targets of one bench, each met or not, as a sentence."""
    if not targets:
        return "No target at this scale: the figures are reported."
    parts = [f"{TARGET_LABELS.get(key, key)}: {_yes(ok)}" for key, ok in targets.items()]
    return "Targets (the issue's, for this scale): " + "; ".join(parts) + "."


def _latency(x: dict) -> str:
    return f"p50 {x['p50_ms']} ms, p95 {x['p95_ms']} ms, p99 {x['p99_ms']} ms"


def dashboards_markdown(r: dict, when: str) -> str:
    """The Dashboards section's figures."""
    p, s = r["pilot"], r["snapshot"]
    seq, health = r["dashboard_sequential"], r["health_sequential"]
    empty, person = r["dashboard_empty_cache"], r["participant_page"]
    status = r["status_sequential"]
    conc = r["dashboard_concurrent"]
    per = r["per_second"]
    rounds = r["rounds"]
    cold_sites = ", ".join(f"{v:.0f}" for v in r["cold_site_filter_ms"])

    def spread(name: str) -> str:
        return ", ".join(f"{x['per_second']:.0f}" for x in rounds[name])

    rows = [
        ("snapshot build (all metrics, participant_outcomes() in Python; fresh process)",
         f"{s['seconds']} s, peak {s['peak_rss_mb']} MB ({s['document_bytes'] / 2**20:.1f} MB "
         f"document, {s['participant_cells']:,} participant cells)"),
        ("dashboard page, empty figures cache (cleared before each request), sequential",
         _latency(empty)),
        ("dashboard page, from the figures cache, sequential", _latency(seq)),
        (f"participant page, {person['requests']} different participants, sequential",
         _latency(person)),
        ("minimal JSON view (/health/), sequential",
         f"p50 {health['p50_ms']} ms, p95 {health['p95_ms']} ms"),
        ("minimal signed-in JSON view (refresh status), sequential",
         f"p50 {status['p50_ms']} ms, p95 {status['p95_ms']} ms"),
        ("dashboard page, concurrent", f"{per['dashboard']:.0f} requests/s "
         f"(rounds: {spread('dashboard')}; p95 {conc['p95_ms']} ms)"),
        ("/health/, concurrent", f"{per['health']:.0f} requests/s (rounds: {spread('health')})"),
        ("signed-in JSON view, concurrent",
         f"{per['status']:.0f} requests/s (rounds: {spread('status')})"),
        ("dashboard / minimal JSON view (/health/), throughput (reported, not a target)",
         f"{r['throughput_ratio']}"),
        ("dashboard / minimal signed-in JSON view, throughput",
         f"{r['throughput_ratio_signed_in']}"),
        ("first view of a new snapshot (document load + render, fresh server)",
         f"{r['cold_first_view_ms']} ms"),
        ("first view of a site filter (document load + render)", f"{cold_sites} ms"),
        ("CONSORT PNG download", f"{r['consort_png_ms']} ms"),
        ("per-PWP table CSV download", f"{r['table_csv_ms']} ms"),
    ]  # fmt: skip
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    return f"""Run {when} (`seed_demo --scale {r["scale"]}`). Pilot: {p["sites"]} sites,
{p["participants"]:,} participants, {p["sessions"]:,} sessions, {p["measures"]:,} measures
(PHQ-9, GAD-7, smoking status, CO). Server: {r["server"]}; every page is fetched over HTTP
from this machine. Load: {r["load"]}.

| measure | figure |
| --- | --- |
{table}

{targets_markdown(r["targets"])}

The page (about {r["page_bytes"] / 1024:.0f} KB of HTML) is plain Django: every view reads the
session and the signed-in user from PostgreSQL, then the user's sites, the snapshot head and the
thresholds, and counts the open safety alerts live. The one cache is the rendered figures, in
Redis, keyed by snapshot, site scope, filter and threshold version (docs/decisions.md,
"Dashboard caching"): "empty figures cache" is the first view of a snapshot for a filter (the
document is loaded and the figures rendered); "from the figures cache" is every later view. A
browser revalidating an unchanged page gets a 304 from the same reads, without the render.
/health/ is anonymous and runs one `SELECT 1`; the signed-in JSON view (two one-row queries) goes
through the same session and authentication middleware as the dashboard. The participant page is
signed in as a trial manager (who sees every site), each request a different participant picked
at random from the whole pilot."""


def exports_markdown(r: dict, when: str) -> str:
    """The Exports section's figures."""
    rows = []
    for key, label in (
        ("wide_csv", "wide, CSV"),
        ("long_csv", "long, CSV"),
        ("wide_dta", "wide, Stata .dta"),
        ("wide_sav", "wide, SPSS .sav"),
    ):
        if key not in r:
            continue
        e = r[key]
        figures = f"{e['rows']:,} | {e['seconds']} s | {e['peak_rss_mb']} MB | {e['file_mb']} MB"
        rows.append(f"| {label} | {figures} |")
    return f"""Run {when} (`seed_demo --scale {r["scale"]}`), on the same pilot, each export
built in a fresh process by `export_jobs.build_export` (what the Celery worker runs). Peak
memory is the whole process's maximum resident set (Python, Django, pandas and the database
driver included).

| export | rows | time | peak memory | file |
| --- | --- | --- | --- | --- |
{chr(10).join(rows)}

{targets_markdown(r["targets"])} CSV rows stream from a server-side cursor straight to the file;
Stata and SPSS files are written by pyreadstat from an in-memory frame."""


def reminders_markdown(r: dict, when: str) -> str:
    """The Reminders section's figures (bench/reminders_bench.py's result, as it reports it)."""
    lines = [f"Run {when}.", "", "| measure | figure |", "| --- | --- |"]
    lines += [f"| {key.replace('_', ' ')} | {value} |" for key, value in r.items()]
    return "\n".join(lines)


def write_section(text: str, section: str, body: str, heading: str | None = None) -> str:
    """Replace what is between a section's markers (added at the end if missing)."""
    start, end = f"<!-- bench:{section}:start -->", f"<!-- bench:{section}:end -->"
    block = f"{start}\n{body}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text)
    heading = heading or section.capitalize()
    return text.rstrip("\n") + f"\n\n## {heading}\n\n{block}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--fresh", action="store_true", help="drop and reseed the bench database")
    parser.add_argument("--only", default="dashboards,exports,reminders")
    parser.add_argument("--patients", type=int, default=200, help="virtual patients (patients)")
    parser.add_argument("--seconds", type=float, default=60.0, help="patient load duration")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    base_url = os.environ.get("DATABASE_URL")
    if not base_url or not os.environ.get("REDIS_URL"):
        print("bench/run.py needs DATABASE_URL and REDIS_URL (make bench sets them)")
        return 2
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict = {"when": when}
    failures = []
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if wanted & {"dashboards", "exports"}:
        bench_url = bench_database_url(base_url, args.scale)
        results["database"] = prepare_database(bench_url, scale=args.scale, fresh=args.fresh)
        os.environ["DATABASE_URL"] = bench_url
        for name, module_name, render in (
            ("dashboards", "dashboard_bench", dashboards_markdown),
            ("exports", "export_bench", exports_markdown),
        ):
            if name not in wanted:
                continue
            _say(f"running {module_name}")
            try:
                results[name] = _load(module_name).run(args.scale)
                text = write_section(
                    text,
                    section_name(name, args.scale),
                    render(results[name], when),
                    section_heading(name, args.scale),
                )
            except Exception:  # noqa: BLE001 - one failing bench must not hide the others
                failures.append(name)
                traceback.print_exc()
        os.environ["DATABASE_URL"] = base_url
    if "reminders" in wanted:
        module = _load("reminders_bench")
        if module is not None and hasattr(module, "run"):
            _say("running reminders_bench")
            try:
                results["reminders"] = _run_reminders(module, base_url)
                text = write_section(
                    text, "reminders", reminders_markdown(results["reminders"], when)
                )
            except Exception:  # noqa: BLE001
                failures.append("reminders")
                traceback.print_exc()
    if "patients" in wanted:
        _say(f"running patient_load ({args.patients} patients, {args.seconds:g} s)")
        try:
            results["patients"] = _run_patients(base_url, args.patients, args.seconds)
            markdown = _load("patient_load").markdown(results["patients"], when)
            text = write_section(text, "patients", markdown, "Patient load")
        except Exception:  # noqa: BLE001
            failures.append("patients")
            traceback.print_exc()
    DOC.write_text(text, encoding="utf-8")
    results["scale"] = args.scale
    suffix = "" if args.scale == DEFAULT_SCALE else f"-{args.scale}"
    raw = RESULTS_DIR / f"bench-results{suffix}.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    _say(f"figures written to {DOC.relative_to(ROOT)} (raw: {raw.relative_to(ROOT)})")
    for name in ("dashboards", "exports", "patients"):
        targets = results.get(name, {}).get("targets", {})
        missed = [k for k, ok in targets.items() if not ok]
        if missed:
            _say(f"{name}: targets not met: {', '.join(missed)}")
    if failures:
        _say(f"failed: {', '.join(failures)}")
        return 1
    return 0


def _run_reminders(module, base_url: str) -> dict:
    """The reminders bench in its own process: it sets Django up against its own database."""
    code = (
        "import json, sys; sys.path.insert(0, 'bench'); import reminders_bench as m; "
        "print('BENCH-RESULT ' + json.dumps(m.run(), default=str))"
    )
    env = {**os.environ, "DATABASE_URL": base_url}
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    sys.stdout.write(completed.stdout[-4000:])
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-4000:])
    line = next(
        line for line in reversed(completed.stdout.splitlines()) if line.startswith("BENCH-RESULT ")
    )
    return json.loads(line.removeprefix("BENCH-RESULT "))


def _run_patients(base_url: str, patients: int, seconds: float) -> dict:
    """The patient load bench in its own process: it sets Django up against its own database."""
    code = (
        "import json, sys; sys.path.insert(0, 'bench'); import patient_load as m; "
        f"print('BENCH-RESULT ' + json.dumps(m.run({patients}, {seconds}), default=str))"
    )
    env = {**os.environ, "DATABASE_URL": base_url}
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-4000:])
    line = next(
        line for line in reversed(completed.stdout.splitlines()) if line.startswith("BENCH-RESULT ")
    )
    return json.loads(line.removeprefix("BENCH-RESULT "))


if __name__ == "__main__":
    sys.exit(main())

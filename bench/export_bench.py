"""Export benchmark: time and peak memory of building analysis exports of the seeded pilot.

Each export is built by `export_jobs.build_export` in a fresh Python process (as a Celery worker
would), which reports its own wall time and peak resident memory (ru_maxrss, which includes
Django, pandas and the database driver, not just the export).

    python bench/export_bench.py        (DATABASE_URL must name the seeded database)

`run()` returns a dict for bench/run.py.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = (("wide", "csv"), ("long", "csv"), ("wide", "dta"), ("wide", "sav"))

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.environ["BENCH_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from apps.accounts.models import User
from apps.core.roles import Role
from apps.dashboards import export_jobs
from apps.dashboards.models import ExportJob
user = User.objects.filter(role=Role.TRIAL_MANAGER).order_by("id").first()
if user is None:
    user = User.objects.create_user("bench.manager@nhs.test", None, role=Role.TRIAL_MANAGER)
# Created directly, not through request_export: that would also queue a Celery task.
job = ExportJob.objects.create(requested_by=user, dataset=sys.argv[1], file_format=sys.argv[2])
started = time.perf_counter()
job = export_jobs.build_export(job.id)
seconds = time.perf_counter() - started
size = os.path.getsize(job.file_path)
os.remove(job.file_path)
job.delete()
print(json.dumps({
    "seconds": round(seconds, 2),
    "rows": job.row_count,
    "file_mb": round(size / 2**20, 1),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def export_once(dataset: str, file_format: str) -> dict:
    """Build one export in a child process and return its figures."""
    with tempfile.TemporaryDirectory() as export_root:
        env = {**os.environ, "BENCH_ROOT": str(ROOT), "QUITPILOT_EXPORT_ROOT": export_root}
        completed = subprocess.run(
            [sys.executable, "-c", CHILD, dataset, file_format],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"export {dataset}/{file_format} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def targets(wide: dict, scale: int) -> dict:
    """The issue's wide CSV targets for this scale, met or not."""
    seconds, megabytes = (60, 500) if scale > 150 else (10, 300)
    return {
        f"wide_csv_under_{seconds}s": wide["seconds"] < seconds,
        f"wide_csv_peak_memory_under_{megabytes}mb": wide["peak_rss_mb"] < megabytes,
    }


def run(scale: int = 150, cases: tuple[tuple[str, str], ...] = CASES) -> dict:
    """Every export case, one after another (the wide CSV always, first)."""
    cases = (("wide", "csv"), *(case for case in cases if case != ("wide", "csv")))
    results: dict = {f"{dataset}_{fmt}": export_once(dataset, fmt) for dataset, fmt in cases}
    results["scale"] = scale
    results["targets"] = targets(results["wide_csv"], scale)
    return results


if __name__ == "__main__":
    print(json.dumps(run(int(os.environ.get("BENCH_SCALE", "150"))), indent=2))

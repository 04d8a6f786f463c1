#!/usr/bin/env python
"""Fetch the front-end libraries from the npm registry into static/vendor/ (`make vendor`).

Served from our own origin, never a CDN: clinical networks block CDNs and the CSP forbids them.
Uses `npm pack NAME@VERSION` (a tarball, no node_modules). Source maps are not copied.

nhsuk-frontend's compiled CSS is adjusted so that it works from /static/vendor/nhsuk-frontend/:
* its icon URLs are root-absolute (`url(/assets/images/...)`); they become relative
  (`url(assets/images/...)`) and resolve to the copied assets/ folder beside the CSS;
* its @font-face rules load Frutiger from the NHS font CDN (the font is licensed, not in the
  package); they are removed, so the CSS's own fallback (Arial, sans-serif) is used and no
  request leaves our origin.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"

# name, version, {path in the package: path under static/vendor/<name>/}
PACKAGES: list[tuple[str, str, dict[str, str]]] = [
    (
        "bootstrap",
        "5.3.8",
        {
            "dist/css/bootstrap.min.css": "css/bootstrap.min.css",
            "dist/js/bootstrap.bundle.min.js": "js/bootstrap.bundle.min.js",
            "LICENSE": "LICENSE",
        },
    ),
    (
        "chart.js",
        "4.6.1",
        {
            "dist/chart.umd.min.js": "chart.umd.min.js",
            "LICENSE.md": "LICENSE.md",
        },
    ),
    (
        "nhsuk-frontend",
        "10.6.1",
        {
            "dist/nhsuk/nhsuk-frontend.min.css": "nhsuk-frontend.min.css",
            "dist/nhsuk/nhsuk-frontend.min.js": "nhsuk-frontend.min.js",
            "dist/nhsuk/assets/": "assets/",
            # The package ships no licence file; its README: MIT (see static/vendor/README.md).
        },
    ),
]

SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*?(\*/)?\s*$")
FONT_FACE_FROM_CDN = re.compile(r"@font-face\{[^}]*url\(https?://[^}]*\}")


def npm_pack(spec: str, into: Path) -> Path:
    result = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    return into / result.stdout.strip().splitlines()[-1]


def unpack(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def strip_source_map(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(SOURCE_MAP.sub("", text), encoding="utf-8")


def adapt_nhsuk_css(path: Path) -> None:
    css = path.read_text(encoding="utf-8")
    css = FONT_FACE_FROM_CDN.sub("", css)
    css = css.replace("url(/assets/", "url(assets/")
    leftovers = re.findall(r"url\((?!data:|assets/)[^)]*\)", css)
    if leftovers:
        raise SystemExit(f"nhsuk-frontend CSS still loads from elsewhere: {sorted(set(leftovers))}")
    path.write_text(css, encoding="utf-8")


def main() -> int:
    if shutil.which("npm") is None:
        print("vendor_assets: npm is needed (apt-get install npm)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, files in PACKAGES:
            work = Path(tmp) / name
            work.mkdir()
            package = unpack(npm_pack(f"{name}@{version}", work), work)
            target = VENDOR / name
            if target.exists():
                shutil.rmtree(target)
            for source, dest in files.items():
                src, dst = package / source, target / dest
                dst.parent.mkdir(parents=True, exist_ok=True)
                if source.endswith("/"):
                    shutil.copytree(src, dst)
                else:
                    shutil.copy2(src, dst)
                if dst.suffix in (".css", ".js"):
                    strip_source_map(dst)
            if name == "nhsuk-frontend":
                adapt_nhsuk_css(target / "nhsuk-frontend.min.css")
            print(f"vendor_assets: {name}@{version} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

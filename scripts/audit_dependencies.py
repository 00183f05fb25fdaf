"""Known-vulnerability check of the installed Python packages, run by `make lint`.

First choice: pip-audit against PyPI's advisory service, every installed package. A finding fails
the check unless its id is answered in SECURITY.md and listed in ANSWERED below.

Where that service cannot be reached (this workplace's network serves the package registry's
files but not its advisory API, and pip-audit then skips every package), the check falls back to
what the registry does serve: each direct pin of pyproject.toml against the newest release of its
own series (same major.minor). Maintained projects ship security fixes as patch releases of every
supported series, so a pin behind its series' newest patch may be a fix not taken: each is listed,
to be moved (or named in BEHIND_ON_PURPOSE with the reason). They are warnings, not failures:
without the advisories nothing says which release fixes a vulnerability, and the registry moves
on its own day, so a failure would stop unrelated work the day anything upstream is released.
A pin the registry does not answer for is listed too.

Exit status: 0 clean or warnings only, 1 known vulnerabilities, 2 the check could not run.
"""

from __future__ import annotations

import json
import re
import subprocess  # fixed argv of this venv's own tools, never a shell
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Advisory ids answered in SECURITY.md ("Dependencies"): id -> one line of why it does not apply.
ANSWERED: dict[str, str] = {}
# Direct pins kept behind their series' newest patch on purpose: name -> why.
BEHIND_ON_PURPOSE: dict[str, str] = {}


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


def pip_audit() -> tuple[list[str], int]:
    """Findings not answered, and how many packages were actually audited."""
    argv = [str(BIN / "pip-audit"), "--local", "--skip-editable", "--format", "json"]
    argv += ["--progress-spinner", "off"]
    for vuln_id in ANSWERED:
        argv += ["--ignore-vuln", vuln_id]
    done = run(argv)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr.strip(), file=sys.stderr)
        raise SystemExit("pip-audit gave no report") from None
    findings, audited = [], 0
    for dep in report["dependencies"]:
        if "skip_reason" in dep:
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            findings.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    return findings, audited


def direct_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    pins = {}
    for line in lines:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==([^;\s]+)", line.strip())
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def series(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def numeric(version: str) -> tuple[int, ...] | None:
    """A final release's numbers; None for pre-releases and anything not plainly numeric."""
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        return None
    return tuple(int(part) for part in version.split("."))


def newest_in_series(name: str, pinned: str) -> str | None:
    done = run([str(BIN / "python"), "-m", "pip", "index", "versions", name])
    match = re.search(r"^Available versions: (.+)$", done.stdout, re.MULTILINE)
    if not match:
        return None
    same = [v for v in match[1].split(", ") if series(v) == series(pinned) and numeric(v)]
    return max(same, key=lambda v: numeric(v) or ()) if same else None


def pins_behind() -> tuple[list[str], list[str]]:
    pins = direct_pins()
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = pool.map(lambda name: newest_in_series(name, pins[name]), pins)
        newest = dict(zip(pins, found, strict=True))
    unknown = sorted(name for name, version in newest.items() if version is None)
    if len(unknown) == len(pins):
        raise SystemExit("the package registry did not answer: nothing could be checked")
    findings = []
    for name, pinned in sorted(pins.items()):
        latest, mine = newest[name], numeric(pinned)
        ahead = numeric(latest) if latest else None
        if ahead and mine and ahead > mine and name not in BEHIND_ON_PURPOSE:
            findings.append(f"{name}=={pinned}: {latest} is out in the same series")
    return findings, unknown


def main() -> int:
    try:
        findings, audited = pip_audit()
        if not audited:
            print("pip-audit: the advisory service is out of reach; checking the direct pins")
            print("against the newest patch release of their series instead")
            behind, unknown = pins_behind()
    except SystemExit as stop:
        print(f"dependency audit could not run: {stop}", file=sys.stderr)
        return 2
    if audited:
        print(f"pip-audit: {audited} installed packages checked against known advisories")
        for line in findings:
            print(f"  {line}")
        if findings:
            print("Move the pins (or answer each advisory in SECURITY.md and in this script).")
            return 1
        print("dependency audit: clean")
        return 0
    for line in behind:
        print(f"  warning: {line}")
    if unknown:
        print(f"  warning: the registry gave no versions for {', '.join(unknown)}")
    if behind:
        print("Move these pins (or name them in BEHIND_ON_PURPOSE with the reason).")
    else:
        print("dependency audit: every direct pin is at its series' newest release")
    return 0


if __name__ == "__main__":
    sys.exit(main())

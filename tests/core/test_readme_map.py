"""The README's architecture map against the tree: every app package under equilibri/ is in the
map, and every folder the map names exists, so the map cannot drift from the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY = re.compile(r"^  (?P<name>[\w]+)/\s")  # "  catalogue/   what it holds"


def _map_entries() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Architecture", 1)[1]
    block = section.split("```", 2)[1]
    return {m["name"] for line in block.splitlines() if (m := ENTRY.match(line))}


def _packages() -> set[str]:
    return {
        path.parent.name
        for path in (ROOT / "equilibri").glob("*/__init__.py")
        if (path.parent / "apps.py").exists()
    }


def test_every_app_is_in_the_readme_map():
    assert _packages() - _map_entries() == set()


def test_every_folder_in_the_readme_map_exists():
    missing = {name for name in _map_entries() if not (ROOT / "equilibri" / name).is_dir()}
    assert missing == set()

"""The layers contract of pyproject.toml ([tool.importlinter]), run as `make lint` runs it: kept by
the code as it is, broken by an upward import, a sideways import between sibling apps, an app
imported by core, or a new app the contract does not place. The broken cases run on a copy of the
package with one file changed, so the real tree is never touched."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, ahead of the installed (editable) package.
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the package's Python modules and of the configuration."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for source in (ROOT / "equilibri").rglob("*.py"):
        target = tmp_path / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return tmp_path


def add_import(tree: Path, module: str, statement: str) -> None:
    path = tree / "equilibri" / module
    path.write_text(path.read_text() + f"\n{statement}\n")


def test_the_code_keeps_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_copy_keeps_the_layers_before_any_change(tree):
    # Without this, the failures below could come from the copy rather than from the import.
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "statement", "importer", "imported"),
    [
        # Upward: a lower app reaching into a higher one.
        (
            "territory/models.py",
            "from equilibri.accounts import roles  # noqa",
            "equilibri.territory",
            "equilibri.accounts",
        ),
        (
            "plans/services/plans.py",
            "from equilibri.reports import views  # noqa",
            "equilibri.plans",
            "equilibri.reports",
        ),
        # Core is below everything: it imports no app.
        (
            "core/money.py",
            "from equilibri.vouchers import models  # noqa",
            "equilibri.core",
            "equilibri.vouchers",
        ),
        # Sideways: calls, catalogue and vouchers are independent siblings.
        (
            "vouchers/forms.py",
            "from equilibri.catalogue import models  # noqa",
            "equilibri.vouchers",
            "equilibri.catalogue",
        ),
        (
            "catalogue/views.py",
            "import equilibri.calls.models  # noqa",
            "equilibri.catalogue",
            "equilibri.calls",
        ),
        # An import inside a function counts too.
        (
            "network/selectors.py",
            "def _late():\n    from equilibri.desks import models  # noqa",
            "equilibri.network",
            "equilibri.desks",
        ),
        # Nothing imports the entry points (settings are read through django.conf).
        (
            "core/views.py",
            "from equilibri import settings  # noqa",
            "equilibri.core",
            "equilibri.settings",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_contract(tree, module, statement, importer, imported):
    add_import(tree, module, statement)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{importer} is not allowed to import {imported}" in result.stdout


def test_a_new_app_must_be_placed_in_the_layers(tree):
    (tree / "equilibri" / "newapp").mkdir()
    (tree / "equilibri" / "newapp" / "__init__.py").write_text("")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "equilibri.newapp" in result.stdout

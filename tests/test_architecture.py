"""Issue 13: the layers hold. core <- engine, stats, views <- areas <- summary <- pack; no area imports
another; the pack knows no area. The contracts are [tool.importlinter] in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def test_import_contracts_are_kept():
    done = subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_area_registers_itself():
    from svc_analysis.core import areas

    names = set(areas.area_modules())
    assert names == {"quality", "complaints", "satisfaction", "staff", "inspections", "queue", "campaign"}
    assert callable(areas.hook("WORKBOOK_DATA"))


def test_no_flat_module_is_left():
    package = ROOT / "svc_analysis"
    flat = sorted(p.name for p in package.glob("*.py") if p.name != "__init__.py")
    assert flat == []


def test_a_broken_contract_fails(tmp_path):
    """The check is not vacuous: a contract the code breaks (core above pack) is reported broken."""
    config = tmp_path / "broken.toml"
    config.write_text('[tool.importlinter]\nroot_package = "svc_analysis"\n\n'
                      '[[tool.importlinter.contracts]]\nname = "upside down"\ntype = "layers"\n'
                      'containers = ["svc_analysis"]\nlayers = ["core", "pack"]\n', encoding="utf-8")
    done = subprocess.run([str(LINT), "--config", str(config), "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "1 broken" in done.stdout

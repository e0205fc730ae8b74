"""hatsugen installs as one package, `hatsugen`, and runs from the wheel alone."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "--disable-pip-version-check", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    return next(out.glob("hatsugen-*.whl"))


def test_the_wheel_has_one_top_level_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"hatsugen"}
    for needed in ("hatsugen/archive/data/demo.jsonl", "hatsugen/archive/data/export.schema.json",
                   "hatsugen/web/templates/search.html", "hatsugen/web/static/style.css",
                   "hatsugen/extract/english.py", "hatsugen/cli/commands.py",
                   "hatsugen/__main__.py"):  # fmt: skip
        assert needed in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "hatsugen = hatsugen.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_wheel_runs_beside_a_module_named_web(wheel: Path, tmp_path: Path) -> None:
    """Installed alone (no checkout on the path), next to someone's own `web` module."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--disable-pip-version-check",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "web.py").write_text("MINE = True\n", encoding="utf-8")  # a user's own module
    script = (
        "import hatsugen, web, sys\n"
        "assert web.MINE and hatsugen.__file__.startswith(sys.argv[1]), hatsugen.__file__\n"
        "from hatsugen.core import Actor, Hatsugen\n"
        "from hatsugen.web.app import create_app\n"
        "app = Hatsugen(sys.argv[2]); app.load_demo(actor=Actor.local('t')); app.close()\n"
        "page = create_app({'HATSUGEN_HOME': sys.argv[2]}).test_client().get('/?q=cooperation')\n"
        "assert page.status_code == 200 and b'Lee Jae Myung' in page.data\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(target), str(tmp_path / "home")],
        cwd=tmp_path, env={"PYTHONPATH": f"{target}:{tmp_path}", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    module = subprocess.run(
        [sys.executable, "-m", "hatsugen", "--home", str(tmp_path / "home"), "stats"],
        cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert module.returncode == 0, module.stderr
    assert "3 statements by 2 speakers" in module.stdout

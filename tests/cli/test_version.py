"""refdb --version names the installed version."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_version_prints_the_installed_version(refdb):
    result = refdb("--version")
    assert (result.code, result.out.strip()) == (0, f"refdb {version('refdb')}")


def test_python_m_refdb_runs_the_command(tmp_path):
    """`python -m refdb` said "No module named refdb.__main__"."""
    shown = subprocess.run(
        [sys.executable, "-m", "refdb", "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert (shown.returncode, shown.stdout.strip()) == (0, f"refdb {version('refdb')}"), shown.stderr

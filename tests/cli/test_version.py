"""refdb --version names the installed version."""

from __future__ import annotations

from importlib.metadata import version


def test_version_prints_the_installed_version(refdb):
    result = refdb("--version")
    assert (result.code, result.out.strip()) == (0, f"refdb {version('refdb')}")

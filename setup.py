"""Maps the fixed top-level layout onto import names; metadata lives in pyproject.toml.

migrations/ ships as ``refdb.migrations``, seeds/ as ``refdb.seeds`` and tui/ as
``refdb_tui``, so an installed refdb finds them without the repository checkout.
"""

from setuptools import find_packages, setup

PACKAGE_DIRS = {
    "refdb": "refdb",
    "refdb.migrations": "migrations",
    "refdb.seeds": "seeds",
    "refdb_tui": "tui",
}


def packages() -> list[str]:
    found = []
    for name, folder in PACKAGE_DIRS.items():
        found += [name, *(f"{name}.{sub}" for sub in find_packages(folder))]
    return found


setup(packages=packages(), package_dir=PACKAGE_DIRS)

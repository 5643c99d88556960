"""Name forms (``normalize_name``) of a large FtM file, worked out in a second process
while this one parses the file.

The writer needs every imported name's form, to reconcile people by name and to store
it with the name, and working them out one by one (transliterating Han, Cyrillic and
Arabic script) took a tenth of a large FtM import. The second process reads the file's
names for itself (``ftm.names_in``), so nothing waits for the parse. Its forms are a head
start only: a name it missed is normalised when asked, and if the process fails, the
import goes on as it would have without it.

The process is ``python -m refdb.importers.officials.forms FILE``, not multiprocessing:
a spawned worker re-imports the caller's main module (a script without a main guard
would fail, and a Pool would start it again and again), and a forked one would share
the caller's open database connections.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from refdb.importers.officials.ftm import names_in
from refdb.matching.normalize import normalize_name

MIN_BYTES = 8_000_000  # a smaller file parses faster than a second process starts


@contextmanager
def forms_beside(path: Path) -> Iterator[Callable[[], dict[str, str]]]:
    """Within the block, a second process works out the forms of the names in the FtM
    file at ``path``; the function given to the block returns them (waiting for them if
    they are not ready), or none for a small file, on a single CPU, or if the process
    failed. The process is ended when the block is left, whatever it was doing."""
    if path.stat().st_size < MIN_BYTES or (os.cpu_count() or 1) < 2:
        yield dict
        return
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:

        def forms() -> dict[str, str]:
            output, _ = process.communicate()
            if process.returncode != 0:
                return {}
            try:
                found = orjson.loads(output)
            except orjson.JSONDecodeError:
                return {}
            return found if isinstance(found, dict) else {}

        yield forms
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def main(path: str) -> None:
    forms = {name: normalize_name(name) for name in names_in(Path(path))}
    sys.stdout.buffer.write(orjson.dumps(forms))


if __name__ == "__main__":
    main(sys.argv[1])

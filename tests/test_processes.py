"""Worker processes: spawned, and started even where stderr is not a file."""

from __future__ import annotations

import subprocess
import sys

# As under the TUI: Textual's print capture stands in for stderr, with no file descriptor.
UNDER_A_UI = """
import sys

class Capture:
    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def fileno(self):
        return -1

sys.stderr = Capture()
from refdb.processes import spawn_context

if __name__ == "__main__":
    with spawn_context().Pool(1) as pool:
        print(pool.map(abs, [-2, 3]))
"""


def test_workers_start_where_stderr_has_no_file_descriptor(tmp_path):
    # The TUI's audit screen failed so ("bad value(s) in fds_to_keep") in every real session.
    script = tmp_path / "under_a_ui.py"
    script.write_text(UNDER_A_UI, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "[2, 3]"

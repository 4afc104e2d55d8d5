"""Without chromium, the browser tests fail once with a clear message, and the others skip.

Runs pytest on three browser test files in a subprocess with CHROMIUM pointing
nowhere and apt-get forbidden (POOLING_NO_APT=1), so nothing is installed and
no server starts.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["tests/browser/test_browser_readme.py", "tests/browser/test_browser_selfcheck.py",
         "tests/browser/test_handouts.py"]


def test_missing_chromium_gives_one_failure_with_the_way_out(tmp_path):
    env = {**os.environ, "CHROMIUM": str(tmp_path / "no-chromium"), "POOLING_NO_APT": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfs", *FILES],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    out = result.stdout
    summary = out.strip().splitlines()[-1]
    assert result.returncode == 1, out[-3000:]
    # pytest counts a failure in a test's set-up as an "error": one of them, the rest skipped.
    assert "1 error" in summary and "skipped" in summary and "failed" not in summary, summary
    assert out.count("the browser tests cannot run") == 1, out[-3000:]
    assert "apt-get update && apt-get install -y chromium" in out
    assert "POOLING_NO_APT forbids installing it" in out
    assert "see the first browser test's failure" in out
    assert "Serving notebooks" not in out


def test_the_install_notice_says_what_runs_before_it_runs():
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    try:
        import jupyter_driver
    finally:
        sys.path.pop(0)
    said = []
    calls = []
    original = subprocess.run
    try:
        subprocess.run = lambda *args, **kwargs: calls.append((list(said), args[0])) or subprocess.CompletedProcess(
            args[0], 0, "", "")
        jupyter_driver.install_chromium(said.append)
    finally:
        subprocess.run = original
    assert calls and all(before and "apt-get install -y chromium" in before[0] for before, _ in calls), calls
    assert [cmd[0] for _, cmd in calls] == ["apt-get", "apt-get"]

"""Helpers of the pack tests: `svc` as cron runs it."""

import subprocess
import sys
from pathlib import Path

SVC = str(Path(sys.executable).parent / "svc")


def bare_svc(*args, home: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """`svc ARGS --quiet` in cron's bare environment (no profile, minimal PATH, no JUPYTER_* variables)."""
    home.mkdir(parents=True, exist_ok=True)
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(home), "SHELL": "/bin/sh", "LOGNAME": "cron"}
    return subprocess.run([SVC, *args, "--quiet"], env=bare, capture_output=True, text=True, timeout=timeout)

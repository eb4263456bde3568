"""Composition root of the desktop app: settings → Database → services → TaskRunner → MainWindow.

Qt is imported only here and under `casedesk.ui`, so the command line works on machines without a display.
"""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


def run_desktop() -> int:
    if not has_display():
        print(
            "CaseDesk is a desktop app and this machine has no display (DISPLAY is not set).\n"
            "Run it on a virtual display instead, e.g.:  xvfb-run -a casedesk\n"
            "The command line works without one: casedesk --help",
            file=sys.stderr,
        )
        return 1
    from casedesk.ui.application import run

    return run(sys.argv)

"""PyInstaller entry point for both CaseDesk executables (`casedesk` and `casedesk-debug`).

A frozen app needs `freeze_support()` before anything else, so that a child process started by
multiprocessing runs its task instead of a second copy of the app.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from casedesk.cli.main import main

    raise SystemExit(main())

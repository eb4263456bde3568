"""`python -m casedesk` runs the same command as the `casedesk` script."""

from casedesk.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())

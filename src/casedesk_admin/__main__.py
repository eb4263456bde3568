"""`python -m casedesk_admin` runs the same command as the `casedesk-admin` script."""

from casedesk_admin.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

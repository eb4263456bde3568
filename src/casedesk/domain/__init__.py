"""Pure rules of CaseDesk: no Qt, no SQLAlchemy, no I/O beyond reading bundled reference data."""

"""Report a discrepancy from a child's record, and the owning organisation's queue of flags to answer."""

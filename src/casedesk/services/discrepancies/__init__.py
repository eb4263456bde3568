"""Report a discrepancy: flag a shared value as wrong, and the owning organisation's answer (issue 19)."""

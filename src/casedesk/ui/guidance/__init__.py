"""Ask CaseDesk: the guidance assistant (F1 or Ctrl+K)."""

"""Multi-agency meetings, the decisions they make about each child, and the plans that follow (issue 23)."""

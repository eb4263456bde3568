"""The council's social-care feed: children in need and looked-after children from the statutory returns.

Pure records and rules (no database, no pandas): what one child of a return holds (`records`), which of the
server's children it is (`matching`), and which status periods and involvement it becomes (`statuses`).
"""

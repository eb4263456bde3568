"""reports layer (see DESIGN.md §2)."""

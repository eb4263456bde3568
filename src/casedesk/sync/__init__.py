"""sync layer (see DESIGN.md §2)."""

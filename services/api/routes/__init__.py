"""One module per resource of DESIGN.md §4."""

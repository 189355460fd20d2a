"""The read path: log pages, subject states, assessments, grids and bundles."""

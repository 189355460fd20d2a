"""The C2SP tlog-tiles read API (DESIGN.md §12): the checkpoint, hash tiles and entry bundles."""

"""In-memory unit tests: no database, network or clock."""

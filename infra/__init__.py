"""Settings, persistence wiring (SQLite / PostgreSQL) and key files: everything that touches
the environment, the file system or a database driver's configuration."""

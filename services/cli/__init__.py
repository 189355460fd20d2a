"""The ``provenance`` command line (DESIGN.md §8). Exit codes: 0 success; 1 a verification,
audit or ``--require`` failed; 2 usage errors (bad flags, unreadable file or key, server
unreachable, input the server refused)."""

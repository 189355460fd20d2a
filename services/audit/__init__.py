"""The independent auditor (``provenance audit``): replays the whole log from a server or
straight from the database and checks it trusting nothing but the pinned keys."""

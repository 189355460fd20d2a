"""Behaviour against a real PostgreSQL server, each test in a database of its own."""

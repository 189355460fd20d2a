"""HTTP behaviour through FastAPI's TestClient over a real (SQLite) event store."""

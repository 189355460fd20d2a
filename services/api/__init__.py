"""The HTTP API (DESIGN.md §4): FastAPI routes translating JSON to service calls and back."""

"""End to end: a real ``provenance serve`` (uvicorn) process driven by the CLI and HTTP."""

"""Application services: the eventsourcing application, the ledger's write and read paths,
the HTTP API (``services.api``) and the CLI (``services.cli``)."""

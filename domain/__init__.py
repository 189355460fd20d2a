"""The provenance ledger's model: pure, deterministic computation.

Everything here is stdlib, ``eventsourcing.domain`` or an I/O-free library (``rfc8785``,
``license-expression``, ``cryptography`` primitives). No web, database, settings or clock code:
``tests/architecture`` enforces it, so the verifier can be vendored by a third party.
"""

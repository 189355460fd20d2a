"""Interoperability with third-party verifiers and signers (securesystemslib DSSE)."""

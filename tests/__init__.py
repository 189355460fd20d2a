"""Tests for the provenance ledger."""

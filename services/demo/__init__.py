"""The demo ledger and the examples."""

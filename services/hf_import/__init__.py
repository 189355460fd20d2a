"""Importing Hugging Face model cards as ledger statements."""

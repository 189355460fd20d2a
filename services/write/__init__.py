"""The write path: admission, signature checks and the signed log."""

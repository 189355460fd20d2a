"""Import boundaries that keep the domain pure and the verifier vendorable."""

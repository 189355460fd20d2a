"""The licence catalogue: every SPDX licence id with its OSI/FSF flags, the special values
``NOASSERTION`` and ``NONE``, curated terms for AI and data licences, aliases from ScanCode keys
and Hugging Face card ids — all as data, read by the assessment."""

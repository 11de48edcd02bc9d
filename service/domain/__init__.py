"""Domain: pure code (dates and status, edition selection, units, hashing, parsers) with no I/O."""

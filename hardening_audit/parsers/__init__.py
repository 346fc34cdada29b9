"""Pure functions from command output to typed values. No I/O here."""

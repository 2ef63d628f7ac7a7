"""Value types and helpers every layer shares: formats and sides, transcript, events, errors, loading."""

"""The Textual terminal UI (its own issue): screens over the engine's API and event stream."""

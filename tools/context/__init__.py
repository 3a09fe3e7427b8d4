"""Context: what the engine knows before it writes (history, channel rules, timing, lessons)."""

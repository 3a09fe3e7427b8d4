"""Persistence: the per-tenant Chroma memory and the SQLite message and outcome store."""

"""Deterministic machinery the nodes call: facts, rules, checks, scoring, drafting, models."""

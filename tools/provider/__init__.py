"""Calls to a model provider: models, structured calls, the run's time budget, pacing.

``models.py`` builds chat models and embedders from ``provider:model``, ``llm.py`` makes the
structured calls, ``deadline.py`` shares a run's time budget and ``pacing.py`` keeps the calls
under a provider's rate limits.
"""

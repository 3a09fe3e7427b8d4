"""The graph layer: domain types, state, run context, the builder, the facade and the CLI.

The public names are re-exported, lazily, by the ``ipe`` package (``from ipe import ...``).
"""

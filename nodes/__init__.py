"""The six graph nodes, one module each; thin orchestration over ``tools/`` and ``memory/``."""

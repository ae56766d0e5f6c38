"""Subcommands of the ``servescale`` CLI; each module exposes ``register(app)``."""

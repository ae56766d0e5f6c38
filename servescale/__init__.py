"""Composition root: settings, app wiring and the ``servescale`` command line."""

"""``python -m servescale``."""

from servescale.cli import main

main()

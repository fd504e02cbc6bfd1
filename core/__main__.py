"""``python -m core``: the command line (core/cli.py), also installed as ``torch-playground``."""

import sys

from core.cli import main

sys.exit(main(prog="python -m core"))

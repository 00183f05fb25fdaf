"""Command-line entry point: `equilibri <command>` / `python -m equilibri <command>` (manage.py)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equilibri.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["equilibri", *sys.argv[1:]])

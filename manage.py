#!/usr/bin/env python
"""Django's usual entry point; the same as `python -m equilibri`."""

from equilibri.cli import main

if __name__ == "__main__":
    main()

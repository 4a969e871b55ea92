"""`python -m importers identify|extract|archive -e BOOK ...`: see importers.cli."""

import sys

from importers.cli import main

if __name__ == "__main__":
    sys.exit(main())

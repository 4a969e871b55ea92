"""`python -m importers identify|extract|archive -e BOOK ...`: see importers.cli.

`python -m importers regels -e BOOK ...` proposes categorisation rules: see importers.learn_cli.
"""

import sys

from importers.cli import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["regels"]:
        from importers.learn_cli import main as learn_main

        sys.exit(learn_main(sys.argv[2:]))
    sys.exit(main())

"""`python -m load`: see load.run."""

from __future__ import annotations

import sys

from load.run import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m freedompay_cards``: the ``freedompay-cards`` command line (see ``_cli``)."""

import sys

from ._cli import main

sys.exit(main())

"""``python -m alsprog.cli``: the same as the ``alsprog`` command."""

import sys

from alsprog.cli import main

sys.exit(main())

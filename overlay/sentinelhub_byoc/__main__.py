"""``python -m sentinelhub_byoc``: the ``byoc`` command line."""

import sys

from sentinelhub_byoc.cli import main

sys.exit(main())

"""Allow ``python -m sentinelhub_byoc.cli``."""

import sys

from sentinelhub_byoc.cli import main

sys.exit(main())

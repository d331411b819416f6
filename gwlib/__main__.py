import sys

from gwlib.cli import main

sys.exit(main())

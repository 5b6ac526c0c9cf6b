import sys

from kaa.cli import main

sys.exit(main())

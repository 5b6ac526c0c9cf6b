import os
import sys

from kaa.cli import main

code = main()
# Everything is written and committed by now. The interpreter's own teardown (freeing every module
# and object one by one) would add about 0,1 s to each command after an import, so the process ends
# here, once its output is flushed and any database connection is closed as the server expects.
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BrokenPipeError:  # the reader has gone (`| head`): nothing left to say, as main() itself treats it
    pass
if "kaa.store.db" in sys.modules:
    sys.modules["kaa.store.db"].forget_engines()
os._exit(code)

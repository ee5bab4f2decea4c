"""`python -m replylint.service ARGS...`: the same as `replylint serve ARGS...`."""

import sys

from replylint.service import main

sys.exit(main(sys.argv[1:]))

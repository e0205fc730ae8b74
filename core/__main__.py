"""`python -m hatsugen`: the same as the `hatsugen` command."""

from hatsugen.cli import main

main()

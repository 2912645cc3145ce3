"""`python -m blueprintgen`: the same as the `blueprintgen` command."""

from .cli import main

main()

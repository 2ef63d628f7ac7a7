"""`python -m debate.cli`: the same as the `debate` command."""

from debate.cli import main

main()

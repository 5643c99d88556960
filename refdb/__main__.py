"""`python -m refdb`: the `refdb` command, where its script is not on the PATH."""

from refdb.cli import main

main()

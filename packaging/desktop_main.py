"""The frozen app's entry point: the `inspector` command line, the GUI when given no command."""

from cli.main import main

main()

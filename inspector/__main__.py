"""``python -m inspector`` is the same CLI as the ``inspector`` command."""

from cli.main import main

main()

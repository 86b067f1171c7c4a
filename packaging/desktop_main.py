"""The frozen app's entry point: the `inspector` command line, the GUI when given no command."""

import multiprocessing

from cli.main import main

# A batch of notices renders in spawned worker processes (reports/render_pool.py); in the
# frozen app each starts as this executable, and this hands it to the worker's code.
multiprocessing.freeze_support()
main()

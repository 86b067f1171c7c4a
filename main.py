"""Start the app: ``python main.py [--db PATH]`` opens the GUI."""

from cli.main import main

if __name__ == "__main__":
    main()

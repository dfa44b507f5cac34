"""python build.py serve | build | check — see `python build.py --help`."""

from docsite.cli import main

if __name__ == "__main__":
    main()

"""`python -m docsite …`: the `docsite` command, for an environment without its script."""

from docsite.cli import main

main(prog_name="docsite")

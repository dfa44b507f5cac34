"""A tiny package written into a temporary folder, read with griffe like Flask is."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

PACKAGE = "demopkg"

FILES = {
    "demopkg/__init__.py": '''
        """A demo package."""

        from .core import Greeter as Greeter
        from .core import greet as greet
        from .core import helper

        __all__ = ["Greeter", "greet"]
    ''',
    "demopkg/core.py": '''
        from .extra.mixins import Loud


        def greet(name: str, /, greeting: str = "Hello", *, punctuation: str = "!") -> str:
            """Return a greeting for someone.

            Greetings are short.

            :param name: Who to greet.
            :param greeting: The word to greet with.
            :returns: The greeting.

            .. versionadded:: 1.2
            """
            return f"{greeting}, {name}{punctuation}"


        def helper() -> None:
            """Not exported."""


        class Base:
            #: How loud the greeter is,
            #: from 1 to 5.
            volume: int = 3

            def shout(self, text: str) -> str:
                """Shout the text."""
                return text.upper()


        class Greeter(Base, Loud):
            """Greets people by name."""

            def __init__(self, name: str, *args: int, **kwargs: str) -> None:
                self.name = name

            def shout(self, text: str) -> str:
                return text.upper() + "!"

            @property
            def upper(self) -> str:
                """The name in capitals."""
                return self.name.upper()

            @classmethod
            def make(cls, name: str = "you") -> "Greeter":
                """Make a greeter."""
                return cls(name)

            def _private(self) -> None:
                """Not shown."""

            def internal(self) -> None:
                """Not shown either.

                :meta private:
                """
    ''',
    # a folder without __init__.py inside the package, like flask.sansio
    "demopkg/extra/mixins.py": '''
        class Loud:
            def blare(self) -> str:
                """Blare the greeting."""
                return "!!!"
    ''',
}


def write_package(root: Path, files: dict[str, str] | None = None) -> Path:
    """The package's files below root; returns root (a search path for griffe)."""
    write_tree(root, {**FILES, **(files or {})})
    return root

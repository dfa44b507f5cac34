"""Marking UI strings for translation (extracted by `pybabel extract -k N_`)."""


def N_(message: str) -> str:
    """Mark a UI string for extraction; it is translated where it is shown."""
    return message

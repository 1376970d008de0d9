"""Errors a user can act on. The CLI prints their message and exits with code 2, never a traceback."""

from __future__ import annotations


class CorridorError(Exception):
    """Base class for every error the project raises on purpose."""


class InputError(CorridorError, ValueError):
    """Bad input: a file, a row, a field or an option that cannot be used as given.

    The message names where the problem is (file, row and field when there are any).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        where = ", ".join(
            part
            for part in (
                str(file) if file else None,
                f"row {row}" if row is not None else None,
                f"field {field!r}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class UnknownPlaceError(InputError, LookupError):
    """A place name that the gazetteer does not know; the message suggests the closest names."""


class OutputError(CorridorError, OSError):
    """The output folder cannot be written."""


class OptionError(InputError, TypeError):
    """An option of ``corridor.load`` / ``corridor.build`` given as the wrong type of value.

    It is also a :class:`TypeError`, so code that catches the usual Python error keeps working.
    """

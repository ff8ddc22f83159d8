"""Errors users see: each says what went wrong, where, and what to do next."""

from __future__ import annotations


class DrafterError(Exception):
    """Base error; the CLI prints it as one red line and exits with `exit_code`."""

    exit_code = 1


class InputError(DrafterError):
    """Bad input from the user (facts file, draft directory, options): exit 2."""

    exit_code = 2


class ModelError(DrafterError):
    """The model could not produce a valid answer."""

    exit_code = 1


class DraftLockedError(DrafterError):
    """Another drafter process is writing the same draft."""

    exit_code = 1

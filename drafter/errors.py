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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while a draft directory was locked, with what the interrupted command had done to that draft.

    `state` is "none" (the directory held no draft and none was written), "unchanged" (the draft is as it was when
    the command locked it) or "saved" (the command saved the draft at least once before it was interrupted)."""

    def __init__(self, directory: str, state: str) -> None:
        super().__init__(directory, state)
        self.directory = directory
        self.state = state

"""Errors that end a run before any finding is reported."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with what the user asked for: a bad path, flag or file (exit code 2)."""

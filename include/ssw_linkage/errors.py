"""The failures an operator can meet, each with its own exit code (see README, "Exit codes").

Messages name the month, file, record id or rule, never a person's data.
"""

from __future__ import annotations


class SswError(Exception):
    """Base of the failures the CLI reports in one line."""

    exit_code = 1


class UsageError(SswError):
    """An argument or setting is wrong; nothing was done."""

    exit_code = 2


class PackageConflict(SswError):
    """A different package for the month is already published."""

    exit_code = 3


class NotReady(SswError):
    """The data month is not over yet, or something it depends on is not there yet."""

    exit_code = 4


class SourceUnavailable(SswError):
    """The source database cannot be reached or does not hold the source schema."""

    exit_code = 5


class StagingError(SswError):
    """The staging directory is unusable or holds something we refuse to touch (a symlink, …)."""

    exit_code = 6


class IntegrityError(SswError):
    """Counts do not reconcile or a package fails its checks: nothing is published."""

    exit_code = 7

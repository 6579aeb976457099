"""Exception hierarchy: every error spamlinks raises on purpose subclasses SpamlinksError.

    SpamlinksError
    ├── SchemaError             a labeled-data row that breaks the corpus schema
    ├── UsageError              a command called wrongly (bad flag, unreadable input…)
    ├── ResourceIntegrityError  a shipped data file does not match its recorded sha256
    └── ModelError
        ├── ModelIntegrityError     artifact bytes do not match the model card
        └── ModelCompatibilityError card's schema/library versions do not fit
"""

from __future__ import annotations


class SpamlinksError(Exception):
    """Base class of all errors raised on purpose by spamlinks."""


class SchemaError(SpamlinksError, ValueError):
    """A labeled-data row breaks the shared schema (``data/SCHEMA.md``)."""


class ModelError(SpamlinksError):
    """A model artifact could not be used."""


class ModelIntegrityError(ModelError):
    """A model artifact's sha256 does not match the digest in its model card."""


class ModelCompatibilityError(ModelError):
    """A model card's feature schema or library versions do not fit this install."""


class UsageError(SpamlinksError, ValueError):
    """The command was called wrongly: a bad flag, an unreadable input, an output that would
    be overwritten. The CLI exits with status 2."""


class ResourceIntegrityError(SpamlinksError):
    """A data file shipped in the package (``spamlinks/resources``) was changed or corrupted."""

"""Exception hierarchy: every error spamlinks raises on purpose subclasses SpamlinksError.

    SpamlinksError
    ├── InputTooLargeError      a post over the documented size cap
    ├── SchemaError             a labeled-data row that breaks the corpus schema
    └── ModelError
        ├── ModelIntegrityError     artifact bytes do not match the model card
        └── ModelCompatibilityError card's schema/library versions do not fit
"""

from __future__ import annotations


class SpamlinksError(Exception):
    """Base class of all errors raised on purpose by spamlinks."""


class InputTooLargeError(SpamlinksError, ValueError):
    """The post is larger than the parser's cap (see ``spamlinks.parse.MAX_INPUT_CHARS``)."""


class SchemaError(SpamlinksError, ValueError):
    """A labeled-data row breaks the shared schema (``data/SCHEMA.md``)."""


class ModelError(SpamlinksError):
    """A model artifact could not be used."""


class ModelIntegrityError(ModelError):
    """A model artifact's sha256 does not match the digest in its model card."""


class ModelCompatibilityError(ModelError):
    """A model card's feature schema or library versions do not fit this install."""

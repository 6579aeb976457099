"""spamlinks: catch covert promotional link spam in community posts.

>>> from spamlinks import extract_links
>>> [link.domain for link in extract_links('<p>See <a href="https://docs.python.org/3/">docs</a></p>')]
['python.org']
"""

from ._version import __version__
from .errors import (
    InputTooLargeError,
    ModelCompatibilityError,
    ModelError,
    ModelIntegrityError,
    SchemaError,
    SpamlinksError,
)
from .parse import MAX_INPUT_CHARS, Link, Post, extract_links, parse_post

__all__ = [
    "MAX_INPUT_CHARS",
    "InputTooLargeError",
    "Link",
    "ModelCompatibilityError",
    "ModelError",
    "ModelIntegrityError",
    "Post",
    "SchemaError",
    "SpamlinksError",
    "__version__",
    "extract_links",
    "parse_post",
]

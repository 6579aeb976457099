"""spamlinks: catch covert promotional link spam in community posts.

>>> from spamlinks import extract_links
>>> [link.domain for link in extract_links('<p>See <a href="https://docs.python.org/3/">docs</a></p>')]
['python.org']
"""

from ._version import __version__
from .errors import (
    ModelCompatibilityError,
    ModelError,
    ModelIntegrityError,
    ResourceIntegrityError,
    SchemaError,
    SpamlinksError,
    UsageError,
)
from .parse import MAX_INPUT_CHARS, Link, Post, extract_links, parse_post

# Imported on first use so `import spamlinks` stays cheap; only `Model` and `load_model` (for
# training and evaluation) pull in scikit-learn, scoring does not.
_LAZY = {
    "Model": "model", "Thresholds": "linear", "load_model": "model",
    "LinkVerdict": "scoring", "PostScore": "scoring", "Reason": "scoring", "Scorer": "scoring",
    "score_post": "scoring", "score_posts": "scoring",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spamlinks' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "MAX_INPUT_CHARS",
    "Link",
    "LinkVerdict",
    "Model",
    "ModelCompatibilityError",
    "ModelError",
    "ModelIntegrityError",
    "Post",
    "PostScore",
    "Reason",
    "ResourceIntegrityError",
    "SchemaError",
    "Scorer",
    "SpamlinksError",
    "Thresholds",
    "UsageError",
    "__version__",
    "extract_links",
    "load_model",
    "parse_post",
    "score_post",
    "score_posts",
]

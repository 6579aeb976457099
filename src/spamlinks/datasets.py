"""Labeled data: one schema for the project corpus (``data/corpus``) and the shared sets.

Every loader in spamlinks reads rows through :func:`read_rows`, which checks each row
against the schema in ``data/SCHEMA.md`` and names the file and line of a bad one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SchemaError

LABELS = ("spam", "ham")

PLATFORMS = (
    "nodebb",
    "discourse",
    "stackexchange",
    "wordpress",
    "phpbb",
    "reddit",
    "github",
    "generic",
)

#: Topic / industry of a post (both labels use it, so topics are not a label proxy).
CATEGORIES = (
    "software-dev",
    "seo-marketing",
    "hosting",
    "vpn",
    "essay-writing",
    "education",
    "casino-betting",
    "supplements",
    "crypto-recovery",
    "crypto",
    "finance-loans",
    "forex-trading",
    "travel",
    "real-estate",
    "clinics",
    "health",
    "cbd",
    "ecommerce",
    "movers",
    "locksmiths",
    "home-services",
    "iptv",
    "legal-immigration",
    "tech-support",
    "social-followers",
    "software-keys",
    "replica-goods",
    "translation",
    "automotive",
    "events-weddings",
    "data-science",
    "hardware",
    "gaming",
    "ai-ml-services",
    "app-development",
    "saas-tools",
    "recruiting-hr",
    "accounting-tax",
    "manufacturing",
    "logistics",
    "insurance",
    "printing-packaging",
    "cleaning",
    "pets",
    "fitness",
    "beauty-cosmetics",
    "dental",
    "dating",
    "astrology",
    "fashion",
    "general",
)

#: The archetype of a post.
SPAM_KINDS = (
    "covert-question",
    "covert-answer",
    "covert-story",
    "astroturf-review",
    "signature-link",
    "link-drop-reply",
    "overt-ad",
)
HAM_KINDS = (
    "docs-answer",
    "own-project",
    "vendor-docs-requested",
    "honest-comparison",
    "job-post",
    "spam-discussion",
    "commercial-no-link",
    "resource-list",
    "news-discussion",
    "personal-experience",
    "question-with-links",
    "support-question",
    "chat",
)

#: Tactics a spam post uses (optional, list). Hard negatives may carry the look-alike ones.
TACTICS = (
    "exact-match-anchor",
    "partial-anchor",
    "brand-anchor",
    "naked-url",
    "generic-anchor",
    "mid-text",
    "last-line",
    "signature",
    "after-useful-answer",
    "shortener",
    "redirect-wrapper",
    "tracking-params",
    "image-link",
    "cover-link",
    "repeated-link",
    "rel-sponsored",
    "astroturf",
    "bare-url",
    "vendor-named",
    "no-link",
)

PRODUCED = ("written", "template")

REQUIRED = ("id", "html", "label", "source")
CORPUS_REQUIRED = (
    *REQUIRED,
    "platform",
    "site",
    "title",
    "language",
    "category",
    "kind",
    "author",
    "produced",
)

#: Shared sets (``../shared/data``) and whether their licence lets them train the shipped model.
SHARED_SETS: dict[str, bool] = {
    "youtube_spam_collection": True,
    "janitr": True,
    "spamassassin": True,
    "stackexchange_ham": True,
    "fossee_forum": False,
    "datacamp_comments": False,
}


@dataclass(frozen=True)
class Row:
    """One labeled post in the shared schema."""

    id: str
    html: str
    label: str
    source: str
    platform: str | None = None
    site: str | None = None
    title: str | None = None
    language: str | None = None
    category: str | None = None
    kind: str | None = None
    author: str | None = None
    produced: str | None = None
    tactics: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def y(self) -> int:
        """1 for spam, 0 for ham."""
        return int(self.label == "spam")


def _check(cond: bool, where: str, msg: str) -> None:
    if not cond:
        raise SchemaError(f"{where}: {msg} (see data/SCHEMA.md)")


def validate_row(obj: Any, where: str, *, strict: bool = False) -> Row:
    """Check one decoded JSON object against the schema and return it as a :class:`Row`.

    ``strict`` applies the project-corpus rules (all corpus fields, controlled vocabularies).
    """
    _check(isinstance(obj, dict), where, "row is not a JSON object")
    for key in CORPUS_REQUIRED if strict else REQUIRED:
        _check(key in obj, where, f"missing field {key!r}")
    for key in ("id", "html", "source"):
        _check(isinstance(obj[key], str) and (key == "html" or obj[key]), where,
               f"field {key!r} must be a non-empty string")
    _check(obj["label"] in LABELS, where, f"label must be one of {LABELS}, got {obj['label']!r}")
    for key in ("platform", "site", "title", "language", "category", "kind", "author"):
        val = obj.get(key)
        _check(val is None or isinstance(val, str), where,
               f"field {key!r} must be a string or null")
    tactics = obj.get("tactics", [])
    _check(isinstance(tactics, list) and all(isinstance(t, str) for t in tactics), where,
           "field 'tactics' must be a list of strings")
    if strict:
        _check(bool(obj["html"].strip()), where, "html is empty")
        _check(obj["platform"] in PLATFORMS, where,
               f"platform must be one of {PLATFORMS}, got {obj['platform']!r}")
        _check(obj["category"] in CATEGORIES, where, f"unknown category {obj['category']!r}")
        kinds = SPAM_KINDS if obj["label"] == "spam" else HAM_KINDS
        _check(obj["kind"] in kinds, where,
               f"kind for {obj['label']} must be one of {kinds}, got {obj['kind']!r}")
        bad = [t for t in tactics if t not in TACTICS]
        _check(not bad, where, f"unknown tactics {bad}")
        _check(isinstance(obj["language"], str) and 2 <= len(obj["language"]) <= 3, where,
               "language must be an ISO 639-1 code such as 'en'")
        _check(obj["produced"] in PRODUCED, where, f"produced must be one of {PRODUCED}")
    known = {*CORPUS_REQUIRED, "tactics", "text_format"}
    return Row(
        id=obj["id"],
        html=obj["html"],
        label=obj["label"],
        source=obj["source"],
        platform=obj.get("platform"),
        site=obj.get("site"),
        title=obj.get("title"),
        language=obj.get("language"),
        category=obj.get("category"),
        kind=obj.get("kind"),
        author=obj.get("author"),
        produced=obj.get("produced"),
        tactics=tuple(tactics),
        extra={k: v for k, v in obj.items() if k not in known},
    )


def read_rows(path: str | os.PathLike[str], *, strict: bool | None = None) -> Iterator[Row]:
    """Yield the rows of a labeled JSONL file, refusing a bad row with file and line.

    ``strict`` defaults to True for files under a ``corpus`` folder (the project corpus).
    """
    p = Path(path)
    if strict is None:
        strict = p.parent.name == "corpus"
    seen: set[str] = set()
    with p.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{p}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SchemaError(f"{where}: not valid JSON ({exc.msg})") from None
            row = validate_row(obj, where, strict=strict)
            _check(row.id not in seen, where, f"duplicate id {row.id!r}")
            seen.add(row.id)
            yield row


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def repo_root() -> Path:
    """The source checkout this module lives in (``src/spamlinks`` → root)."""
    return Path(__file__).resolve().parents[2]


def corpus_dir() -> Path:
    """``data/corpus`` of the checkout (override with ``SPAMLINKS_CORPUS``)."""
    env = os.environ.get("SPAMLINKS_CORPUS")
    return Path(env) if env else repo_root() / "data" / "corpus"


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout (override with ``SPAMLINKS_SHARED_DATA``)."""
    env = os.environ.get("SPAMLINKS_SHARED_DATA")
    return Path(env) if env else repo_root().parent / "shared" / "data"


def corpus_files(directory: Path | None = None) -> list[Path]:
    """The project corpus files, sorted by name."""
    return sorted((directory or corpus_dir()).glob("*.jsonl"))


def load_corpus(directory: Path | None = None) -> list[Row]:
    """All rows of the project corpus."""
    return [row for path in corpus_files(directory) for row in read_rows(path, strict=True)]


def load_shared(
    names: Iterable[str] | None = None, *, for_training: bool = False, directory: Path | None = None
) -> list[Row]:
    """Rows of the shared sets; ``for_training`` refuses sets whose licence forbids training."""
    directory = directory or shared_data_dir()
    names = list(SHARED_SETS) if names is None else list(names)
    rows: list[Row] = []
    for name in names:
        if name not in SHARED_SETS:
            raise SchemaError(f"unknown shared set {name!r}; known: {sorted(SHARED_SETS)}")
        if for_training and not SHARED_SETS[name]:
            raise SchemaError(
                f"shared set {name!r} is for evaluation only (no licence to train); "
                "leave it out of training data"
            )
        rows.extend(read_rows(directory / f"{name}.jsonl", strict=False))
    return rows

"""The named link features mean what their names say."""

from __future__ import annotations

import numpy as np
import pytest

from spamlinks.domains import analyse_url
from spamlinks.features import FEATURE_NAMES, LinkFeatures
from spamlinks.lexicon import is_reference_domain
from spamlinks.parse import parse_post


def _row(html: str) -> dict[str, float]:
    post = parse_post(html, site="forum.example.org", platform="discourse")
    row = LinkFeatures().fit([]).transform([post])[0]
    return dict(zip((n.split("__", 1)[1] for n in FEATURE_NAMES), row.tolist(), strict=True))


@pytest.mark.parametrize(
    ("url", "reference"),
    [
        ("https://en.wikipedia.org/wiki/Incoterms", True),
        ("https://docs.python.org/3/library/re.html", True),
        # Institutions that are public suffixes themselves: the registered domain is www.nhs.uk.
        ("https://www.nhs.uk/conditions/", True),
        ("https://trade-tariff.service.gov.uk/commodities/1", True),
        ("https://www.gov.uk/foreign-travel-advice", True),
        ("https://www2.gov.bc.ca/gov/content/taxes", True),
        ("https://www.uni.edu.pl/", True),
        ("https://www.kyoto-u.ac.jp/en", True),
        ("https://www.sat.gob.mx/", True),
        ("https://example-agency.com/seo-services/", False),
        ("https://foo.ac/", False),  # Ascension Island's TLD, not an academic suffix
        ("https://go.co.uk/", False),
        ("https://govtech-solutions.com/", False),
        ("https://gov.example.com/", False),
    ],
)
def test_reference_domains(url: str, reference: bool) -> None:
    info = analyse_url(url)
    assert is_reference_domain(info.domain, info.suffix) is reference


def test_brand_anchor_is_not_keyword_domain_overlap() -> None:
    brand = _row('<p>We book calls with <a href="https://calendly.com/">Calendly</a>.</p>')
    assert brand["anchor_brand_in_domain"] == 1.0
    assert brand["anchor_domain_overlap"] == 0.0
    keyword = _row('<p>Stuck? <a href="https://essaydune.com/">buy essay</a> online.</p>')
    assert keyword["anchor_brand_in_domain"] == 0.0
    assert keyword["anchor_domain_overlap"] == 1.0


def test_a_cover_link_does_not_dilute_the_vendor_link() -> None:
    vendor = '<a href="https://voyasim-esim.com/asia-esim">asia esim unlimited data</a>'
    cover = '<a href="https://en.wikipedia.org/wiki/ESIM">Wikipedia page on eSIM</a>'
    alone = _row(f"<p>Has anyone tried {vendor}?</p>")
    covered = _row(f"<p>I read the {cover}. Has anyone tried {vendor}?</p>")
    for name in ("n_unlisted_external_log", "n_unlisted_domains_log", "max_same_domain",
                 "anchor_exact_keyword", "unknown_domain"):
        assert covered[name] == alone[name], name
    assert covered["n_reference_links"] > alone["n_reference_links"]
    # A second unlisted site does count.
    other = '<a href="https://another-shop.example/">another shop</a>'
    two = _row(f"<p>Has anyone tried {vendor} or {other}?</p>")
    assert two["n_unlisted_domains_log"] > alone["n_unlisted_domains_log"]


def test_names_match_columns() -> None:
    lf = LinkFeatures().fit([])
    out = lf.transform([parse_post("<p>no links</p>")])
    assert out.shape == (1, len(lf.get_feature_names_out()))
    assert np.isfinite(out).all()

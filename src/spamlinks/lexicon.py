"""Word lists the features use: commercial intent, generic anchors, reference domains.

Kept small and readable on purpose: they encode *why* a link is promotional (a money keyword as
anchor text, a vendor slug), not the wording of any one corpus.
"""

from __future__ import annotations

import re

#: Words of commercial intent (English first, then common forms in es/pt/fr/it/de/nl/pl/ru).
COMMERCIAL_WORDS = frozenset(
    """
    hire hiring best top cheap cheapest affordable budget buy purchase order orders price prices
    pricing cost costs quote quotes discount discounts deal deals sale sales offer offers coupon
    coupons promo promotion service services company companies agency agencies firm firms
    expert experts professional professionals solution solutions consultant consultants
    consulting consultancy outsourcing outsource outsourced dedicated development developers
    developer seo marketing backlinks backlink ranking writing writer writers essay essays
    assignment assignments homework dissertation thesis coursework loan loans lender lenders
    payday credit casino casinos betting bet bets slots poker vpn iptv subscription replica
    replicas supplement supplements pills gummies keto diet clinic clinics treatment implants
    implant transplant surgery cosmetic dental dentist movers moving packers removals locksmith
    locksmiths cleaning cleaners repair repairs rental rentals rent hosting cbd recovery
    recover trading signals forex broker brokers crypto bitcoin insurance lawyer lawyers
    attorney attorneys immigration visa tour tours packages booking hotel hotels wholesale
    store shop shops online near agent agents realtor realty property properties
    estate apartments villas roofing plumbing plumber plumbers pest control hvac solar
    installers installer contractor contractors renovation design designer agency's followers
    likes views subscribers guaranteed instant fast quick trusted certified licensed leading
    premium exclusive free trial rated number helpline
    customer toll whatsapp telegram call contact quote now today deals
    comprar mejor mejores barato barata baratos precio precios servicio servicios empresa
    empresas agencia profesional profesionales alquiler tienda ofertas
    melhor melhores preço preços serviço serviços agência loja aluguel
    acheter meilleur meilleurs cher prix entreprise agence professionnel location boutique
    comprare migliore migliori economico prezzo prezzi servizi servizio azienda agenzia negozio
    kaufen günstig günstige beste besten preis preise angebot angebote dienst dienste
    dienstleistung firma agentur umzug umzüge schlüsseldienst
    kopen goedkoop goedkope prijs prijzen bedrijf verhuizers slotenmaker
    kupić najlepszy najlepsze tani tanie cena ceny usługi firmy sklep
    купить лучший лучшие дешево дешевый цена цены услуги компания компании магазин заказать
    """.split()
)

#: Anchor texts that say nothing about the target ("here", "this guide", "click here").
GENERIC_ANCHORS = frozenset(
    """
    here this link website site page article post guide source click read more this guide
    this article this post this site this page this link click here read more here's
    aquí aqui ici hier qui tutaj здесь тут link link here source link learn more see here
    check here check this check it out this one details more info
    """.split()
) | {
    "click here", "read more", "this guide", "this article", "this post", "this site",
    "this page", "this link", "learn more", "see here", "check this out", "check it out",
    "more info", "more details", "find out more", "go here", "visit here", "visit site",
    "this one", "this tool", "this blog", "this website", "this resource",
}

#: Registered domains of reference, documentation and community sites.
REFERENCE_DOMAINS = frozenset(
    """
    wikipedia.org wikimedia.org wiktionary.org wikivoyage.org wikidata.org wikibooks.org
    github.com gitlab.com bitbucket.org codeberg.org sourceforge.net gist.github.com
    stackoverflow.com stackexchange.com superuser.com serverfault.com askubuntu.com
    mathoverflow.net python.org pypi.org readthedocs.io readthedocs.org mozilla.org w3.org
    whatwg.org ietf.org rfc-editor.org microsoft.com apple.com google.com youtube.com
    youtu.be arxiv.org doi.org nih.gov nature.com sciencedirect.com springer.com acm.org
    ieee.org jstor.org who.int nhs.uk europa.eu gov.uk cdc.gov un.org bbc.co.uk bbc.com
    nytimes.com theguardian.com reuters.com apnews.com archive.org npmjs.com crates.io
    docker.com kubernetes.io apache.org rust-lang.org golang.org go.dev nodejs.org
    cppreference.com openstreetmap.org investopedia.com sec.gov ftc.gov consumerfinance.gov
    fca.org.uk mayoclinic.org cochrane.org nice.org.uk scipy.org numpy.org pandas.pydata.org
    pytorch.org tensorflow.org scikit-learn.org kernel.org debian.org ubuntu.com
    archlinux.org fedoraproject.org gnu.org postgresql.org mysql.com sqlite.org
    developer.mozilla.org reddit.com wordpress.org drupal.org php.net oracle.com java.com
    ruby-lang.org rubygems.org cran.r-project.org r-project.org kaggle.com huggingface.co
    openai.com anthropic.com mathworks.com wolframalpha.com khanacademy.org coursera.org
    edx.org mit.edu stanford.edu harvard.edu ox.ac.uk cam.ac.uk researchgate.net
    semanticscholar.org pubmed.ncbi.nlm.nih.gov ncbi.nlm.nih.gov plos.org bmj.com
    thelancet.com nejm.org wikihow.com imdb.com goodreads.com gutenberg.org
    """.split()
)
_REFERENCE_SUFFIXES = ("gov", "edu", "int", "mil", "gov.uk", "ac.uk", "edu.au", "gov.au",
                       "ac.in", "gov.in", "edu.in", "ac.jp", "go.jp", "gc.ca", "gouv.fr",
                       "gob.es", "gov.br", "edu.br", "bund.de", "europa.eu")

_REFERENCE_LABELS = frozenset({"gov", "govt", "edu", "ac", "mil", "gob", "gouv", "go"})

#: Suffixes that host a large share of throwaway promotional sites.
CHEAP_SUFFIXES = frozenset(
    "xyz top online site shop store click link live life world space website fun icu buzz "
    "club vip win bid loan men work today tech pro biz info cc tk ml ga cf gq".split()
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: Commercial words of 4+ letters, found inside squashed domain names (``essayguardian``).
_DOMAIN_COMMERCIAL = re.compile(
    "|".join(sorted((re.escape(w) for w in COMMERCIAL_WORDS if len(w) >= 4 and w.isascii()),
                    key=len, reverse=True))
)
# Digit groups separated by space, dot or dash (so decimals like 0.0163613 never match).
# The leading lookahead changes no match (every match starts with "+", "(" or a digit); it only
# lets the scan skip other positions cheaply.
_PHONE = re.compile(
    r"(?=[+(\d])(?<![\w.,])(\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}(?![\w.,])"
)
_PHONE_CONTEXT = re.compile(
    r"(?i)(?:call|phone|tel|whatsapp|contact|number|helpline|toll|hotline|dial|ring|text|sms|"
    r"телефон|teléfono|telefone|téléphone|telefono|telefoon|telefon|numer|номер)\W{0,3}\w{0,12}\W{0,6}$"
)
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,63}\b")


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits, any script)."""
    return _WORD.findall(text.lower())


def is_reference_domain(domain: str | None, suffix: str | None = None) -> bool:
    """A documentation, reference, academic, government or big-community site."""
    if not domain:
        return False
    suffix = suffix or ""
    # Some institutions are public suffixes themselves (``nhs.uk``), so the registered domain
    # is ``www.nhs.uk``: the suffix is checked against the list too.
    if domain in REFERENCE_DOMAINS or suffix in REFERENCE_DOMAINS:
        return True
    if suffix in _REFERENCE_SUFFIXES:
        return True
    # A government or academic label anywhere but the top level: gov.uk's ``service.gov.uk``,
    # ``ac.jp``, a province's ``gov.bc.ca`` (where ``gov`` is the registered name).
    suffix_labels = suffix.split(".")
    if not _REFERENCE_LABELS.isdisjoint(suffix_labels[:-1]):
        return True
    return len(suffix_labels) > 1 and domain.split(".")[0] in ("gov", "govt")


def domain_commercial_words(name: str) -> int:
    """How many commercial words are written inside a domain label (``cheapessaywriting`` → 3)."""
    return len(_DOMAIN_COMMERCIAL.findall(name.lower()))


def has_phone(text: str) -> bool:
    """A phone number: 9-15 digits in separated groups, written with "+" or after a contact word."""
    for m in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group(0))
        if not 9 <= digits <= 15:
            continue
        if m.group(1) or _PHONE_CONTEXT.search(text[max(0, m.start() - 40) : m.start()]):
            return True
    return False


def has_email(text: str) -> bool:
    # No "@", no match: skips the regex (which tries every position) for most posts.
    return "@" in text and _EMAIL.search(text) is not None

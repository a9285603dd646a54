"""The glossary: every term of art the portal uses, defined once. The glossary page renders these; a
page or e-mail that uses a term links to its entry (`{% term "lot" %}`, anchor `/glossary/#lot`) or
explains it in a GOV.UK details component, and a test reads `words` to check that each page does.

A definition is a Django template fragment (HTML), rendered with the page's context, so that the numbers
in it come from the rules that enforce them (`qualification_rules`, ADR 0007)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class Term:
    slug: str  # the anchor on the glossary page
    name: str
    definition: str
    # How pages write the term (whole words, any case). A page showing one of these must link to the term
    # or explain it there. Empty for words whose everyday meaning is the one meant (commissioner,
    # subcontractor): they are defined for whoever looks them up, not checked on every page.
    words: tuple[str, ...] = ()


TERMS: tuple[Term, ...] = (
    Term(
        "call-off",
        "Call-off",
        (
            "The second stage of the framework, after qualification. A commissioner runs a competition "
            "for a particular contract. Only organisations qualified for that service category, in that "
            "region, can bid. Also called a call-off competition."
        ),
        ("call-off", "call-offs"),
    ),
    Term(
        "clarification",
        "Clarification",
        (
            "A question a bidder asks the commissioner about a competition before the clarification "
            "deadline. The question and its answer are published to every bidder, without saying who "
            "asked, so that everyone bids on the same information."
        ),
        ("clarification", "clarifications"),
    ),
    Term(
        "cohort-category",
        "Cohort category",
        (
            '{% include "includes/terms/cohort_category.html" %} See <a class="govuk-link" '
            'href="#service-category">service category</a>.'
        ),
        (),
    ),
    Term(
        "commissioner",
        "Commissioner",
        (
            "Someone who buys services for the public sector. On this framework, usually the team of a <a"
            ' class="govuk-link" href="#rpd">Regional Probation Director</a>. Prison governors, police '
            "and crime commissioners and other authorities can also buy services through it."
        ),
        (),
    ),
    Term(
        "consortium",
        "Consortium",
        (
            "A group of organisations that bid for a contract together, so that between them they can "
            "deliver all of it. Small organisations often join a consortium to bid for contracts they "
            "could not deliver alone."
        ),
        (),
    ),
    Term(
        "cyber-essentials",
        "Cyber Essentials",
        (
            "A government-backed certificate that shows your organisation protects itself against common "
            "online attacks. Cyber Essentials (sometimes called Cyber Essentials Basic) is the minimum "
            "you need to win any call-off contract. Cyber Essentials Plus adds a hands-on technical "
            "check, and most MoJ contracts need it."
        ),
        (),
    ),
    Term(
        "day-1-services",
        "Day 1 services",
        (
            "Core services that had to be in place from the first day the reformed probation service "
            "started work, in 2021. They were bought through the first call-off competitions on the "
            "framework."
        ),
        (),
    ),
    Term(
        "dynamic-framework",
        "Dynamic Framework",
        (
            "A list of approved organisations that the public sector can buy services from. Unlike an "
            "ordinary framework, it stays open: new organisations can join at any time while it runs. The"
            " Probation Services Dynamic Framework runs for 7 years and can be extended by up to 3 more "
            "years."
        ),
        (),
    ),
    Term(
        "evaluation",
        "Evaluation",
        (
            "How tenders are scored after the submission deadline. Each evaluator scores each tender "
            "against the published criteria on their own first, then the scores are agreed in <a "
            'class="govuk-link" href="#moderation">moderation</a>.'
        ),
        ("evaluation",),
    ),
    Term(
        "framework-agreement",
        "Framework agreement",
        (
            "The standard terms and conditions every organisation accepts to join the framework. They "
            "apply to any contract it wins through the framework."
        ),
        (),
    ),
    Term(
        "hmpps",
        "HMPPS",
        (
            "His Majesty's Prison and Probation Service. The part of the Ministry of Justice that runs "
            "prisons and the Probation Service."
        ),
        (),
    ),
    Term(
        "iasme",
        "IASME Governance and IASME Gold",
        (
            "Cyber security certificates that cover how you manage information across your organisation. "
            "IASME Governance is self-assessed. IASME Gold is the highest level: a certified body audits "
            "your systems and processes, and it must be renewed every year."
        ),
        (),
    ),
    Term(
        "itt",
        "Invitation to tender (ITT)",
        (
            "The documents a commissioner publishes when a call-off competition opens. They say what is "
            "being bought, what you must send, how bids will be scored and the deadline. Your reply is "
            "called a tender or bid."
        ),
        (),
    ),
    Term(
        "lot",
        "Lot",
        (
            "A part of a contract that is bid for separately. For example, a competition could have one "
            "lot for each region, or one for each type of service. Each lot is awarded on its own."
        ),
        ("lot", "lots"),
    ),
    Term(
        "market-warming",
        "Market warming",
        (
            "Telling organisations about a competition before it opens. Commissioners share early "
            "documents and expected dates so that you have time to prepare. In this service, they come to"
            " your messages."
        ),
        ("market warming",),
    ),
    Term(
        "moderation",
        "Moderation",
        (
            "The meeting or step, after each evaluator has scored on their own, where the scores of a "
            "tender are compared and one agreed score is set for each criterion, with the reason for it."
        ),
        ("moderation", "moderate", "moderated"),
    ),
    Term(
        "non-compliant",
        "Non-compliant",
        (
            "A tender that breaks a rule of the competition, for example one that leaves out a required "
            "document. A non-compliant tender is not scored, and its bidder is told why."
        ),
        ("non-compliant",),
    ),
    Term(
        "ocds",
        "OCDS",
        (
            "The Open Contracting Data Standard: a shared format for publishing information about public "
            "contracts, so that anyone can download and compare it. This service publishes its "
            "competitions and awards in it."
        ),
        ("OCDS",),
    ),
    Term(
        "prime-provider",
        "Prime provider (lead provider)",
        (
            "The organisation that holds a contract with the government and is responsible for delivering"
            ' all of it. It can pass parts of the work to <a class="govuk-link" '
            'href="#subcontractor">subcontractors</a> and manages them.'
        ),
        (),
    ),
    Term(
        "probation-region",
        "Probation region",
        (
            "One of the 12 areas the Probation Service is organised into: 11 in England and 1 for Wales. "
            'Each is led by a <a class="govuk-link" href="#rpd">Regional Probation Director</a>.'
        ),
        (),
    ),
    Term(
        "qualification",
        "Qualification",
        (
            "The first stage of the framework: how an organisation applies to join it, by completing the "
            '<a class="govuk-link" href="#selection-questionnaire">Selection Questionnaire</a>. You '
            "qualify for one or more service categories. It is free."
        ),
        (),
    ),
    Term(
        "roif",
        "Regional Outcomes and Innovation Fund (ROIF)",
        (
            "Money each Regional Probation Director has for work outside the main contracts. It pays for "
            "non-enforceable activity: support that people on probation choose to take part in, rather "
            "than being required to by their sentence. For example, support for people with protected "
            "characteristics or shared experiences. It can fund grants or contracts. Grants are offered "
            "through the separate grants portal."
        ),
        (),
    ),
    Term(
        "rpd",
        "Regional Probation Director (RPD)",
        (
            "The senior official who leads the Probation Service in one of the 12 probation regions. Each"
            " RPD decides what services their region needs and commissions (buys) them."
        ),
        (),
    ),
    Term(
        "selection-questionnaire",
        "Selection Questionnaire (SQ)",
        (
            "The questions your organisation answers to join the framework. It covers your organisation, "
            "grounds for exclusion, finances, cyber security, insurance, the services you offer with {{ "
            "qualification_rules.case_studies|apnumber }} case studies for each, and the regions you want"
            " to work in."
        ),
        (),
    ),
    Term(
        "sha-256",
        "SHA-256 fingerprint",
        (
            "A code worked out from a tender's files and answers, quoted on its receipt. {% include "
            '"includes/terms/fingerprint.html" %} Changing any of them, even by one letter, gives a '
            "different code."
        ),
        ("SHA-256",),
    ),
    Term(
        "self-cleaning",
        "Self-cleaning",
        (
            "What an organisation has done to put things right after something that could exclude it from"
            " public contracts, such as a conviction for fraud. For example, paying compensation, working"
            " with investigators, and changing staff or procedures so it cannot happen again."
        ),
        (),
    ),
    Term(
        "service-category",
        "Service category",
        (
            "A type of service bought through the framework, such as Accommodation, or Finance, Benefits "
            'and Debt. There are 14. You choose the ones you want to deliver. <a class="govuk-link" '
            "href=\"{% url 'portal:how_qualification_works' %}#service-categories\">See all the service "
            "categories</a>."
        ),
        (),
    ),
    Term(
        "service-descriptor",
        "Service descriptor",
        (
            "A description of the service you offer in one service category, in up to {{ "
            "qualification_rules.max_words }} words. You write one for each category you apply for."
        ),
        (),
    ),
    Term(
        "standstill-period",
        "Standstill period",
        (
            "A pause of {{ calloff_rules.standstill_days }} calendar days after a commissioner tells bidders "
            "who has won a contract, "
            "before the contract is made. It gives the other bidders time to ask questions or challenge "
            "the decision."
        ),
        ("standstill",),
    ),
    Term(
        "subcontractor",
        "Subcontractor",
        (
            'An organisation that delivers part of a contract for the <a class="govuk-link" '
            'href="#prime-provider">prime provider</a>. Its agreement is with the prime provider, not '
            "with the government."
        ),
        (),
    ),
    Term(
        "supply-chain",
        "Supply chain",
        (
            "The prime provider and all the subcontractors that deliver a contract together. Prime "
            "providers report on their supply chain every year."
        ),
        (),
    ),
    Term(
        "values-and-volumes",
        "Values and volumes",
        (
            "The value is how much a contract is worth, often given for each year. The volume is the "
            "number of people on probation the service is being bought for."
        ),
        (),
    ),
    Term(
        "vcse",
        "VCSE",
        (
            "Voluntary, community and social enterprise. Charities, community groups, social enterprises,"
            " community interest companies and co-operatives."
        ),
        (),
    ),
)

BY_SLUG: dict[str, Term] = {term.slug: term for term in TERMS}


# Linking terms where they first appear ------------------------------------------------------------

# Text inside these is never linked: a link may not sit in another link or a control, and a label or a
# summary that is clicked does something else.
_NOT_LINKED_INSIDE = frozenset(
    {"a", "button", "label", "summary", "select", "option", "textarea", "title", "script", "style", "head"}
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_TOKENS = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# A part of a page that must not be linked (the glossary itself) carries this attribute.
NO_LINKS_ATTRIBUTE = "data-no-glossary-links"


def term_pattern(term: Term) -> re.Pattern[str]:
    """The term's words as whole words, in any case ("Lots", "call-off" but not "pilot")."""
    words = "|".join(re.escape(word) for word in term.words)
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)


_PATTERNS = [(term, term_pattern(term)) for term in TERMS if term.words]


def _quiet(name: str, tag: str) -> bool:
    return (
        name in _NOT_LINKED_INSIDE
        or "govuk-visually-hidden" in tag
        or NO_LINKS_ATTRIBUTE in tag
        or "aria-hidden" in tag
        or re.search(r"\shidden[\s>=]", tag) is not None
    )


def link_terms(html: str, glossary_url: str) -> str:
    """The HTML with the first use of each glossary term linked to its entry (`glossary_url#slug`), where
    a link may go: so that a term of art is explained where it first appears on a page or in an e-mail."""
    tokens = _TOKENS.findall(html)
    texts = _linkable_texts(tokens)
    # Each term is looked for once in all the page's linkable text (joined by a character no term has
    # and that no term may touch), rather than in every piece of text, most of which hold no term: the
    # same pieces are then linked as if each had been searched.
    joined = "\x00".join(tokens[index] for index in texts)
    offsets = list(accumulate((len(tokens[index]) + 1 for index in texts[:-1]), initial=0))
    # A term none of whose words is in the text, in any case, cannot match: a plain substring search
    # says so far faster than the pattern. (Only for ASCII text: Unicode has other cases of a letter.)
    lowered = joined.lower() if joined.isascii() else None
    found_in: dict[int, list[tuple[Term, re.Pattern[str]]]] = {}
    for term, pattern in _PATTERNS:
        if lowered is not None and not any(word.lower() in lowered for word in term.words):
            continue
        pieces = {bisect_right(offsets, match.start()) - 1 for match in pattern.finditer(joined)}
        for piece in sorted(pieces):
            found_in.setdefault(texts[piece], []).append((term, pattern))
    linked: set[str] = set()
    for index in sorted(found_in):
        tokens[index] = _link_first_uses(tokens[index], linked, glossary_url, found_in[index])
    return "".join(tokens)


def _linkable_texts(tokens: list[str]) -> list[int]:
    """The positions of the pieces of text outside every element a link may not go in."""
    stack: list[tuple[str, bool]] = []
    texts = []
    for index, token in enumerate(tokens):
        if token.startswith("<"):
            tag = _TAG.match(token)
            if token.startswith("<!") or tag is None:
                continue
            closing, name = tag.group(1), tag.group(2).lower()
            if closing:
                # Close up to the element this ends; an end tag with no open element is ignored.
                if any(open_name == name for open_name, _ in stack):
                    while stack.pop()[0] != name:
                        pass
            elif name not in _VOID and not token.endswith("/>"):
                stack.append((name, _quiet(name, token)))
        elif not any(quiet for _, quiet in stack):
            texts.append(index)
    return texts


def _link_first_uses(
    text: str, linked: set[str], glossary_url: str, patterns: list[tuple[Term, re.Pattern[str]]]
) -> str:
    found = []
    for term, pattern in patterns:
        if term.slug not in linked and (match := pattern.search(text)):
            found.append((match.start(), match.end(), term))
    found.sort(key=lambda item: item[0])
    pieces, position = [], 0
    for start, end, term in found:
        if start < position:
            continue  # overlaps a term already linked in this text
        pieces += [
            text[position:start],
            f'<a class="govuk-link" href="{glossary_url}#{term.slug}">{text[start:end]}</a>',
        ]
        position = end
        linked.add(term.slug)
    return "".join([*pieces, text[position:]])

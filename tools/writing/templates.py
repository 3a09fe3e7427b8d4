"""The tenant's own copy: a template's ``subject`` and ``body`` written in Liquid.

Templates use ``python-liquid``: merge fields with fallbacks
(``{{ first_name | default: "there" }}``), conditions (``{% if company %}...{% endif %}``) and
two fields the engine writes for each variation: ``{{ personal_hook }}`` (one or two sentences
about the person, in the message's language) and ``{{ why_you }}`` (an optional bridge from the
hook to the product). The tenant's offer wording and call to action stay exactly as written;
the variations differ in the hook and its angle.

``check_copy`` runs before any work: an unknown field or unrenderable copy is an
``InvalidInputError`` (exit 2 on the command line). Old ``{{merge_field}}`` templates are Liquid
too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from liquid import Environment, StrictUndefined
from liquid.exceptions import LiquidError

from ipe.domain import InvalidInputError, Prospect, Template

PROSPECT_FIELDS = (
    "first_name",
    "last_name",
    "name",
    "handle",
    "company",
    "job_title",
    "niche",
    "location",
    "platform",
    "audience",
)
"""Merge fields filled from the prospect's record ("" when the record lacks them)."""
TENANT_FIELDS = (
    "brand",
    "sender_name",
    "sender_first_name",
    "sender_title",
    "sender_company",
    "product",
    "commission",
    "cookie_days",
    "perks",
    "link",
    "affiliate_link",
    "promo_code",
    "booking_link",
)
"""Merge fields filled from the template itself (the partner's link and code per prospect)."""
ENGINE_FIELDS = ("personal_hook", "why_you", "call_to_action")
"""Fields the engine writes for each variation."""
ALIASES = {
    "firstname": "first_name",
    "first": "first_name",
    "lastname": "last_name",
    "full_name": "name",
    "company_name": "company",
    "title": "job_title",
    "brand_name": "brand",
    "sender": "sender_name",
    "sender_first": "sender_first_name",
    "offer": "product",
    "cookie": "cookie_days",
    "url": "link",
    "hook": "personal_hook",
    "cta": "call_to_action",
    "ref_link": "affiliate_link",
    "referral_link": "affiliate_link",
    "coupon": "promo_code",
    "discount_code": "promo_code",
    "calendar_link": "booking_link",
}
"""Other spellings users write for the same fields (``{{firstName}}`` -> ``first_name``)."""
KNOWN = frozenset((*PROSPECT_FIELDS, *TENANT_FIELDS, *ENGINE_FIELDS))

_ENV = Environment(undefined=StrictUndefined)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DEFAULTED = re.compile(r"\{\{-?\s*([A-Za-z_][\w]*)\s*\|\s*default\b")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.;:!?])")
_SPACES = re.compile(r"[ \t]{2,}")


def canonical(name: str) -> str:
    """A field's canonical name: ``firstName``/``FIRST_NAME``/``first_name`` -> ``first_name``."""
    snake = _CAMEL.sub("_", name).lower()
    return ALIASES.get(snake.replace("_", ""), ALIASES.get(snake, snake))


@dataclass(frozen=True)
class Copy:
    """The parsed copy of a template: which fields it uses and which have no fallback."""

    fields: frozenset[str]
    without_default: frozenset[str]

    @property
    def has_hook(self) -> bool:
        """True when the body has a ``{{ personal_hook }}`` slot for the engine."""
        return "personal_hook" in self.fields


def _sources(template: Template) -> dict[str, str]:
    pairs = [("subject", template.subject), ("body", template.body)]
    for lang, copy in template.translations.items():
        pairs += [
            (f"translations.{lang}.subject", copy.subject),
            (f"translations.{lang}.body", copy.body),
        ]
    return {k: v for k, v in pairs if v and v.strip()}


@lru_cache(maxsize=256)
def _parse(source: str, where: str) -> tuple[Any, frozenset[str], frozenset[str]]:
    try:
        parsed = _ENV.from_string(source)
        names = frozenset(str(v) for v in parsed.global_variables())
    except LiquidError as err:
        message = str(err).splitlines()[0]
        raise InvalidInputError(f"template {where} is not valid Liquid: {message}") from None
    unknown = sorted(n for n in names if canonical(n) not in KNOWN)
    if unknown:
        raise InvalidInputError(
            f"template {where} uses unknown field(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(KNOWN))}"
        )
    defaulted = {canonical(m.group(1)) for m in _DEFAULTED.finditer(source)}
    fields = frozenset(canonical(n) for n in names)
    return parsed, fields, fields - defaulted


def check_copy(template: Template) -> Copy | None:
    """Parse the template's subject and body; None when it has neither.

    Raises ``InvalidInputError`` (before any work) for copy that is not valid Liquid or that uses a
    field the engine does not know.
    """
    sources = _sources(template)
    if not sources:
        return None
    fields: set[str] = set()
    bare: set[str] = set()
    for where, source in sources.items():
        _, used, without = _parse(source, where)
        fields |= used
        bare |= without
    for where, source in sources.items():  # a dry run with every field empty must render
        render(source, {}, where=where)
    return Copy(frozenset(fields), frozenset(bare - set(ENGINE_FIELDS)))


def copy_in(template: Template, language: str) -> Template | None:
    """The template with its copy in ``language``, or None when its copy is in another one.

    A translation for the language replaces the copy (its subject too: without one, the engine
    writes the subject); copy whose language cannot be told, or none, is used as it is.
    """
    from ipe.tools.writing.language import copy_language, normalise

    for tag, translated in template.translations.items():
        if normalise(tag) == language and (translated.body or "").strip():
            return template.model_copy(
                update={"subject": translated.subject, "body": translated.body}
            )
    if not (template.body and template.body.strip()):
        return template
    return template if copy_language(template.body) in (None, language) else None


def _context(values: Mapping[str, str]) -> dict[str, str | None]:
    """Known fields; an empty one is nil, so ``{% if company %}`` and ``default`` skip it."""
    base: dict[str, str | None] = {name: None for name in KNOWN}
    base.update({k: (v or None) for k, v in values.items() if k in KNOWN})
    for alias, name in ALIASES.items():
        base.setdefault(alias, base.get(name, ""))
    return base


def render(source: str, values: Mapping[str, str], *, where: str = "body") -> str:
    """Render Liquid ``source`` with ``values`` (missing known fields are empty strings)."""
    parsed, names, _ = _parse(source, where)
    context = _context(values)
    for name in names:  # any spelling the copy uses (firstName, FIRST_NAME) gets its value
        context.setdefault(name, context.get(canonical(name)))
    for raw in parsed.global_variables():
        context.setdefault(str(raw), context.get(canonical(str(raw))))
    try:
        text = parsed.render(**context)
    except LiquidError as err:
        message = str(err).splitlines()[0]
        raise InvalidInputError(f"template {where} cannot be rendered: {message}") from None
    return tidy(text)


def tidy(text: str) -> str:
    """Whitespace left by empty fields: no space before punctuation, no double spaces."""
    lines = [
        _SPACES.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", line)).strip() for line in text.split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def copy_values(
    template: Template,
    *,
    prospect: Mapping[str, str],
    personal_hook: str = "",
    why_you: str = "",
    call_to_action: str = "",
) -> dict[str, str]:
    """Every merge field's value for one message: the prospect's, the template's, the engine's."""
    offer, sender = template.offer, template.sender
    sender_first = sender.name.split()[0] if sender.name.strip() else ""
    values = {name: str(prospect.get(name, "") or "") for name in PROSPECT_FIELDS}
    values.update(
        {
            "brand": template.brand,
            "sender_name": sender.name,
            "sender_first_name": sender_first,
            "sender_title": sender.title or "",
            "sender_company": sender.company or template.brand,
            "product": offer.summary,
            "commission": offer.commission or "",
            "cookie_days": str(offer.cookie_days or ""),
            "perks": ", ".join(offer.perks),
            "link": template.links[0] if template.links else "",
            "affiliate_link": _resolved(template.affiliate_link),
            "promo_code": _resolved(template.promo_code),
            "booking_link": booking_link(template),
            "personal_hook": personal_hook,
            "why_you": why_you,
            "call_to_action": call_to_action,
        }
    )
    return values


_BOOKING = re.compile(r"book|call|calendly|cal\.com|meet|schedule|agenda|termin", re.IGNORECASE)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$")


def _resolved(value: str | None) -> str:
    """A per-prospect value once ``for_prospect`` filled its pattern ("" while it is a pattern)."""
    return value if value and "{" not in value else ""


def booking_link(template: Template) -> str:
    """Where to book a call: the template's ``booking_link``, else a link that reads as one."""
    if template.booking_link:
        return _resolved(template.booking_link)
    return next((link for link in template.links[1:] if _BOOKING.search(link)), "")


def for_prospect(template: Template, prospect: Prospect) -> Template:
    """The template with this prospect's affiliate link and promo code filled in.

    A pattern (``https://acme.example/?ref={{ prospect.id }}``) is rendered with the record's
    ``id``, ``handle`` and ``first_name`` (URL-quoted in a link); a record's own
    ``affiliate_link`` counts when it is on the host of a template link, its ``promo_code`` when
    it reads as a code. The results join the template's links and approved claims, so the
    grounding check accepts them where the copy writes them.
    """
    record = prospect.model_extra or {}
    own_link = str(record.get("affiliate_link") or "").strip()
    own_code = str(record.get("promo_code") or "").strip()
    hosts = {urlsplit(link).hostname for link in template.links if urlsplit(link).hostname}
    link = own_link if own_link and urlsplit(own_link).hostname in hosts else ""
    link = link or _fill(template.affiliate_link, prospect, quote_values=True)
    code = own_code if _CODE.match(own_code) else _fill(template.promo_code, prospect)
    code = code if _CODE.match(code) else ""
    update: dict[str, Any] = {"affiliate_link": link or None, "promo_code": code or None}
    if link and link not in template.links:
        update["links"] = [*template.links, link]
    if code:
        update["approved_claims"] = [*template.approved_claims, code]
    return template.model_copy(update=update)


def _fill(pattern: str | None, prospect: Prospect, *, quote_values: bool = False) -> str:
    if not pattern or not pattern.strip():
        return ""
    handle = (prospect.handle or "").lstrip("@")
    first = prospect.name.split()[0] if prospect.name.split() else ""
    values = {"id": prospect.id, "handle": handle, "first_name": first}
    if quote_values:
        values = {k: quote(v, safe="") for k, v in values.items()}
    try:
        text = _ENV.from_string(pattern).render(prospect=values)
    except LiquidError:
        return ""
    return "".join(text.split())


@dataclass(frozen=True)
class TemplateReview:
    """What ``ipe template check`` reports: per-channel problems and advice."""

    fields: list[str]
    problems: dict[str, list[str]]
    """Per channel: why a message from this template could not be sent there (empty: fine)."""
    warnings: list[str]
    actions: list[str] = field(default_factory=list)
    """What the engine will do with this copy on every channel (e.g. name the brand)."""


def review_template(template: Template) -> TemplateReview:
    """Check a template's copy and legal requirements on every channel, without drafting.

    Raises ``InvalidInputError`` when the copy is not valid Liquid or uses unknown fields.
    """
    from ipe.tools.channel.policy import load_policy, template_legal_gaps
    from ipe.tools.policies.channels import channel_names
    from ipe.tools.writing.brand import promotes

    copy = check_copy(template)
    warnings: list[str] = []
    problems: dict[str, list[str]] = {}
    body = ""
    if copy is None:
        warnings.append("no subject or body: the engine writes the whole message")
    else:
        for name in sorted(copy.without_default & set(PROSPECT_FIELDS)):
            warnings.append(
                f"{{{{ {name} }}}} has no default: a record without it leaves a gap "
                f'(write {{{{ {name} | default: "..." }}}})'
            )
        if template.body and not copy.has_hook:
            warnings.append(
                "the body has no {{ personal_hook }}: every prospect gets the same copy"
            )
        if template.body:
            body = render(template.body, copy_values(template, prospect={}), where="body")
    offer = template.offer
    no_offer = not (offer.summary.strip() or offer.commission or offer.cookie_days or offer.perks)
    for channel in channel_names():
        gaps = list(template_legal_gaps(template, channel))
        if no_offer and not template.approved_claims and not body:
            gaps.append(
                'the template has no offer: add "offer": {"summary": "...", "commission": '
                '"15%"} (what the program gives the creator), or a body that states it'
            )
        policy = load_policy(channel)
        if body and policy.requires_affiliate_disclosure and promotes(body, template):
            rule = policy.rule("affiliate_disclosure")
            if not any(re.search(p, body, re.IGNORECASE) for p in rule.patterns):
                gaps.append("the body does not say it is an affiliate/commission offer")
        if body and not policy.links_allowed and re.search(r"https?://", body):
            gaps.append(f"{channel} does not deliver links, and the body has one")
        problems[channel] = gaps
    fields = sorted(copy.fields) if copy else []
    return TemplateReview(fields, problems, warnings, _brand_actions(template, body))


def _brand_actions(template: Template, body: str) -> list[str]:
    """What the engine does about naming the brand with this copy (it never blocks for it)."""
    from ipe.tools.writing.brand import brand_names, named_as, names_brand, promotes, signoff

    names = ", ".join(f'"{n}"' for n in brand_names(template))
    actions = [f"counts as naming the brand: {names}"]
    if not body:
        return actions
    used = named_as(body, template)
    if used:
        actions.append(f'the copy names the brand as "{used}"')
        return actions
    if not promotes(body, template):
        actions.append("the copy promotes nothing: it needs neither the brand nor a disclosure")
        return actions
    signed = signoff(template)
    where = (
        " (e-mail: the subject names it)" if names_brand(template.subject or "", template) else ""
    )
    actions.append(
        f'the copy does not name the brand: the engine signs "{signed}" where a message '
        f"promotes the offer{where}"
    )
    return actions

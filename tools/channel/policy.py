"""Channel policies: limits and legal requirements loaded from ``tools/policies/channels.toml``.

The numbers live in the data file, each next to its source and the date it was last checked; this
module only reads them into typed ``ChannelPolicy`` objects and answers whether a template can meet
a channel's legal requirements at all.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ipe.addresses import is_address
from ipe.domain import Severity, Template, UnknownChannelError
from ipe.prompts import LANGUAGES, load_bank
from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import channel_names, registry
from ipe.tools.text.textcount import find_links
from ipe.tools.text.urls import sanitize_url

Unit = Literal["chars", "bytes", "x_weighted"]

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_ADDRESS_WORD = re.compile(r"[^\W\d_]{2,}")
_PO_BOX = re.compile(
    r"\b(?:p\.?\s?o\.?\s?box|post\s+office\s+box|postfach|apartado|caixa\s+postal|"
    r"boite\s+postale|b\.?p\.?)\b",
    re.IGNORECASE,
)


class RuleInfo(BaseModel):
    """One rule of a policy pack: what it checks, how severe it is and where the figure is from."""

    model_config = ConfigDict(frozen=True)

    id: str
    description: str
    severity: Severity
    source: str
    checked: str
    value: int | bool | None = None
    min: int | None = None
    max: int | None = None
    unit: Unit | None = None
    penalty: float = 0.0
    patterns: tuple[str, ...] = ()


class ChannelPolicy(BaseModel):
    """Everything the checks need to know about one channel."""

    model_config = ConfigDict(frozen=True)

    channel: str
    body_limit: int
    unit: Unit
    free_account_limit: int | None = None
    conversation_limit: int | None = None
    """The limit of a message inside a conversation, where it differs (a LinkedIn note's 300)."""
    post_limit: int | None = None
    post_unit: Unit | None = None
    subject_limit: int | None = None
    subject_min_advised: int | None = None
    subject_max_advised: int | None = None
    links_allowed: bool = True
    requires_postal_address: bool = False
    requires_unsubscribe: bool = False
    requires_affiliate_disclosure: bool = True
    requires_brand: bool = True
    short_body_advised: int = 0
    rules: dict[str, RuleInfo]

    def limit(self, *, linkedin_free_account: bool = False, in_conversation: bool = False) -> int:
        """The body limit that applies, in ``unit`` (the free-account limit where it exists).

        ``in_conversation``: the person has written to us (accepted, replied), so the message is
        no connection request and the conversation's limit applies where the channel has one.
        """
        if in_conversation and self.conversation_limit is not None:
            return self.conversation_limit
        if linkedin_free_account and self.free_account_limit is not None:
            return self.free_account_limit
        return self.body_limit

    def rule(self, key: str) -> RuleInfo:
        """The rule stored under ``key`` (e.g. ``"body_limit"``); KeyError when absent."""
        return self.rules[key]


def _int_value(rules: dict[str, RuleInfo], key: str) -> int | None:
    rule = rules.get(key)
    if rule is None or rule.value is None or isinstance(rule.value, bool):
        return None
    return rule.value


def _flag(rules: dict[str, RuleInfo], key: str) -> bool:
    rule = rules.get(key)
    return bool(rule is not None and rule.value)


def _with_bank_disclosures(rule: dict[str, Any]) -> dict[str, Any]:
    """The disclosure rule with each phrase bank's own ``[checks] disclosure_patterns`` added.

    A language's plain words for "affiliate program" and "commission" ("affiliateprogramma",
    "program partnerski") come with its bank, so adding a language adds what discloses in it.
    """
    patterns = [*rule.get("patterns", [])]
    for language in LANGUAGES:
        checks = load_bank(f"{language}/message").get("checks", {})
        patterns += checks.get("disclosure_patterns", [])
    return {**rule, "patterns": list(dict.fromkeys(patterns))}


@cache
def load_policy(channel: str) -> ChannelPolicy:
    """Return the policy of ``channel``; raises ``UnknownChannelError`` for any other name."""
    pack = load_pack("channels")
    if channel not in registry():
        names = ", ".join(channel_names())
        raise UnknownChannelError(f"unknown channel '{channel}': use one of {names}")
    table = pack[channel]  # the registry's own table: unit and rules
    raw: dict[str, Any] = {**pack.get("common", {}).get("rules", {}), **table.get("rules", {})}
    if "affiliate_disclosure" in raw:
        raw["affiliate_disclosure"] = _with_bank_disclosures(raw["affiliate_disclosure"])
    rules = {key: RuleInfo.model_validate(entry) for key, entry in raw.items()}
    body_limit = _int_value(rules, "body_limit")
    if body_limit is None:
        raise ValueError(f"channels.toml: channel '{channel}' has no body_limit value")
    advised = rules.get("subject_length_advised")
    post = rules.get("post_limit")
    return ChannelPolicy(
        channel=channel,
        body_limit=body_limit,
        unit=table["unit"],
        free_account_limit=_int_value(rules, "free_account_limit"),
        conversation_limit=_int_value(rules, "conversation_limit"),
        post_limit=_int_value(rules, "post_limit"),
        post_unit=post.unit if post is not None else None,
        subject_limit=_int_value(rules, "subject_limit"),
        subject_min_advised=advised.min if advised is not None else None,
        subject_max_advised=advised.max if advised is not None else None,
        links_allowed=_flag(rules, "links"),
        requires_postal_address=_flag(rules, "postal_address"),
        requires_unsubscribe=_flag(rules, "unsubscribe"),
        requires_affiliate_disclosure=_flag(rules, "affiliate_disclosure"),
        requires_brand=_flag(rules, "brand"),
        short_body_advised=_int_value(rules, "short_body") or 0,
        rules=rules,
    )


def valid_unsubscribe(value: str | None) -> bool:
    """True for an ``https`` URL that passes ``sanitize_url`` or a ``mailto:`` address."""
    if not value or not value.strip():
        return False
    text = value.strip()
    if text.lower().startswith("mailto:"):
        address, _, _query = text[len("mailto:") :].partition("?")
        return is_address(address)
    return sanitize_url(text) is not None and text.lower().startswith("https://")


def link_problem(link: str, *, allow_http: bool = False) -> str | None:
    """Why a template's ``link`` may not be sent, or ``None``.

    Only ``https`` (or ``http`` where the tenant allows it) with a host and no credentials
    (``user:pass@``); never ``javascript:``, ``data:`` or any other scheme.
    """
    text = link.strip()
    scheme = _SCHEME.match(text)
    name = scheme.group(1).lower() if scheme else ""
    if name not in ("http", "https"):
        return f"'{text[:80]}' is not an https link"
    if name == "http" and not allow_http:
        return f"'{text[:80]}' is plain http (only https, unless the template allows http)"
    if "@" in text.split("//", 1)[-1].split("/", 1)[0]:
        return f"'{text[:80]}' carries credentials (user:pass@)"
    if sanitize_url(text) is None:
        return f"'{text[:80]}' is not a valid link"
    return None


def looks_like_postal_address(value: str | None) -> bool:
    """True when ``value`` could be a physical postal address (CAN-SPAM).

    Two words of letters and either a number (a street number or postal code) or a post-office
    box; not a link or an e-mail address. "." or "N/A" is not an address.
    """
    text = (value or "").strip()
    if len(text) < 6 or "@" in text or find_links(text):
        return False
    words = _ADDRESS_WORD.findall(text)
    return len(words) >= 2 and (any(c.isdigit() for c in text) or bool(_PO_BOX.search(text)))


def template_link_gaps(template: Template) -> list[str]:
    """One-line reasons why a link of ``template`` (its links or its copy) may not be sent."""
    gaps: list[str] = []
    for link in template.links:
        problem = link_problem(link, allow_http=template.allow_http_links)
        if problem:
            gaps.append(f"template.links: {problem}")
    copy = [template.subject, template.body, template.offer.summary, *template.offer.perks]
    for text in [t for t in [*copy, *template.approved_claims] if t]:
        for _, _, found in find_links(text):
            if _SCHEME.match(found) or "@" in found:
                problem = link_problem(found, allow_http=template.allow_http_links)
                if problem:
                    gaps.append(f"the template's copy: {problem}")
    return gaps


def template_legal_gaps(template: Template, channel: str) -> list[str]:
    """One-line reasons why ``template`` cannot meet ``channel``'s legal requirements (or [])."""
    policy = load_policy(channel)
    gaps: list[str] = []
    if policy.requires_brand and not template.brand.strip():
        gaps.append("the template names no brand (template.brand)")
    if _flag(policy.rules, "sender_name") and not template.sender.name.strip():
        gaps.append("the template names no sender (sender.name)")
    address = (template.sender.postal_address or "").strip()
    if policy.requires_postal_address and not address:
        gaps.append(
            f"{channel} needs the sender's physical postal address (sender.postal_address), "
            "required by CAN-SPAM"
        )
    elif policy.requires_postal_address and not looks_like_postal_address(address):
        gaps.append(
            f"sender.postal_address '{address[:80]}' does not look like a postal address "
            "(a street and number, a postal code or a PO box), required by CAN-SPAM"
        )
    if policy.requires_unsubscribe:
        url = template.sender.unsubscribe_url
        if not url or not url.strip():
            gaps.append(
                f"{channel} needs a working opt-out link (sender.unsubscribe_url), "
                "required by CAN-SPAM"
            )
        elif not valid_unsubscribe(url):
            gaps.append(
                f"sender.unsubscribe_url '{url.strip()[:80]}' is not a valid https or mailto link"
            )
    if template.offer.cookie_days is not None and template.offer.cookie_days <= 0:
        gaps.append(
            f"offer.cookie_days must be a positive number of days, not {template.offer.cookie_days}"
        )
    gaps += template_link_gaps(template)
    return gaps

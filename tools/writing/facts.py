"""Profile research: grounded facts from a (sanitised) prospect record, and what it says of them.

Every fact names the record field it came from, so the critic can trace each personal claim in a
draft back to its source. Nothing here invents: a missing field yields no fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache, lru_cache

from ipe.addresses import mask_addresses
from ipe.domain import (
    TONES,
    ExcludedSpan,
    Fact,
    FactKind,
    ProfileAnalysis,
    Prospect,
    Template,
)
from ipe.tools.learning.replies import is_opt_out
from ipe.tools.learning.segments import niche_group
from ipe.tools.policies import load_pack
from ipe.tools.policies.intents import resolve as resolve_intent
from ipe.tools.text.textcount import find_links

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_TONE_WORDS = {
    "professional": "professional",
    "formal": "professional",
    "business": "professional",
    "casual": "casual",
    "friendly": "casual",
    "relaxed": "casual",
    "enthusiastic": "enthusiastic",
    "warm": "enthusiastic",
    "excited": "enthusiastic",
}


_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    """
    the and for with your you our are was were this that these those from into about over under
    how why what who when where which their them they his her its out not but all any can has have
    had will just more most very than then there here one two new best make made use using get got
    del las los una uno por para con que sus como más mas pero sin sobre entre este esta estos
    des les une pour avec sur dans par est son ses aux plus mais qui que
    der die das und mit für fur von den dem ein eine einer auf aus ist sind bei nach über uber
    dos das uma com por para não nao mais sobre seu sua
    affiliate program programme partner partners partnership creator creators commission sale
    sales refer referral link invite inviting brand day days cookie free
    """.split()
)
"""Words that carry no topic: function words of the languages we write, and the program's own."""


def _stem(word: str) -> str:
    """A word's stem: its suffix and a final "e" off ("issue" and "issues" both give "issu")."""
    for suffix in ("ings", "ing", "ers", "es", "ed", "er", "s"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word[:6]


@lru_cache(maxsize=4096)
def content_stems(text: str) -> frozenset[str]:
    """The topic words of ``text``, stemmed: what two texts must share to be about one thing.

    Memoised: one run asks for the same fact texts many times (ranking, each draft, the critic).
    """
    return frozenset(
        _stem(w) for w in (m.lower() for m in _CONTENT_WORD.findall(text)) if w not in _STOP
    )


@lru_cache(maxsize=256)
def _offer_stems(parts: tuple[str, ...]) -> frozenset[str]:
    stems: set[str] = set()
    for part in parts:
        stems |= content_stems(part)
    return frozenset(stems)


def offer_text(template: Template) -> tuple[str, ...]:
    """The template's words that say what is offered: summary, perks, goal, brand and claims."""
    offer = template.offer
    return (offer.summary, *offer.perks, template.goal, template.brand, *template.approved_claims)


def offer_relevance(text: str, template: Template) -> float:
    """How much ``text`` is about what the template offers: shared topic words, 0 when none.

    Each shared topic stem counts 1, so texts that share as much tie and the strategy chooses.
    """
    stems = content_stems(text)
    return float(len(stems & _offer_stems(offer_text(template)))) if stems else 0.0


@cache
def _product_talk() -> re.Pattern[str]:
    phrases = load_pack("strategy")["relevance"]["product_talk"]
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + ")", re.IGNORECASE)


def product_talk(text: str) -> bool:
    """True when ``text`` talks about things the person uses (a packing list, a setup, a test)."""
    return _product_talk().search(text.replace("’", "'")) is not None


def hook_score(fact: Fact, template: Template) -> float:
    """How strong a hook ``fact`` makes for this offer (``[relevance]`` in strategy.toml).

    A base by kind (a content title is more specific than a niche label) plus a share per topic
    word in common with the offer; a category label's shared words count less, since matching
    the brand's own category word says little about the person. Content about the things the
    person uses (``product_talk``) counts like one more shared word: an affiliate offer fits it.
    """
    knobs = load_pack("strategy")["relevance"]
    share = float(knobs["per_shared"])
    if fact.kind in knobs["category_kinds"]:
        share *= float(knobs["category_share"])
    base = float(knobs["base"].get(fact.kind, 0.0))
    talk = fact.kind in knobs["product_talk_kinds"] and product_talk(fact.text)
    bonus = float(knobs["product_talk_share"]) if talk else 0.0
    return round(base + bonus + share * offer_relevance(fact.text, template), 4)


def rank_by_relevance(facts: Iterable[Fact], template: Template) -> list[Fact]:
    """Facts ordered by their strength as a hook for this offer, then by their own weight."""
    return sorted(facts, key=lambda f: (-hook_score(f, template), -f.weight))


_ITEM = re.compile(r"^recent_content\[(\d+)\]\.")


def by_item_relevance(
    facts: list[Fact], template: Template, every: Iterable[Fact] = ()
) -> list[Fact]:
    """``facts`` ordered by their content item's relevance to the offer, then their own.

    A content item's title and summary (among ``facts`` and ``every``, the record's other facts)
    count as one: a plain title ("Studio Vlog #42") ranks as high as what its summary says about
    the offer, so the item chosen is the one most about it.
    """
    best: dict[str, float] = {}
    for fact in [*facts, *every]:
        item = _ITEM.match(fact.source_field)
        if item:
            key = item.group(1)
            best[key] = max(best.get(key, 0.0), hook_score(fact, template))

    def score(fact: Fact) -> tuple[float, float]:
        item = _ITEM.match(fact.source_field)
        own = hook_score(fact, template)
        return (-(best[item.group(1)] if item else own), -own)

    return sorted(facts, key=score)


def credited_fact_ids(body: str, facts: Iterable[Fact], *, min_share: float = 0.6) -> list[str]:
    """Facts a (paraphrased) text uses: most of the fact's topic words are in the text.

    A fact with at least two topic words counts when ``min_share`` of them appear in ``body``,
    so "your test of cheap trail shoes" credits "A long-term test of budget trail shoes".
    """
    written = content_stems(body)
    ids = []
    for fact in facts:
        stems = content_stems(fact.text)
        if len(stems) >= 2 and len(stems & written) / len(stems) >= min_share:
            ids.append(fact.id)
    return ids


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _bio_sentences(bio: str) -> list[str]:
    """Short, self-contained sentences of a bio (the usable personalization points)."""
    out = []
    for sentence in _SENTENCE.split(bio):
        sentence = sentence.strip(" -|•")
        if 12 <= len(sentence) <= 160 and not sentence.endswith("?"):
            out.append(sentence)
    return out[:2]


_EMPTY_BRACKETS = re.compile(r"<\s*>|\(\s*\)|\[\s*\]")
"""What an address in brackets leaves once it is taken out ('Jordan Blake <>')."""


def screen_fact_text(text: str, source: str) -> tuple[str, ExcludedSpan | None]:
    """Drop addresses, then links, from a fact's words (a fact's link is its ``url``).

    Addresses first: a local part can read as a domain ('oskar.brandt' of
    'oskar.brandt@kiln-and-co.example'), and taking it out as a link would leave the domain.

    Whether a fact may be quoted (offer-like terms, codes, claims about our brand...) is the
    outbound allow-list's call (``ipe.tools.trust.outbound.screen_facts``): it is not a reason to
    exclude the field.
    """
    text = mask_addresses(text, "")
    for start, end, _ in sorted(find_links(text), reverse=True):
        text = text[:start] + text[end:]
    text = _EMPTY_BRACKETS.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:-"), None


def _history_words(prospect: Prospect) -> list[tuple[FactKind, str, str, str | None, float]]:
    """The prospect's own latest words to us (inbound history), citable as facts of kind history."""
    pack = load_pack("relationship")
    inbound = set(pack["record"]["inbound"])
    limit = int(pack["history"]["max_quote_chars"])
    items = [
        (i, " ".join(h.text.split()))
        for i, h in enumerate(prospect.interaction_history)
        if h.direction.strip().lower() in inbound and h.text.strip()
    ]
    keep = items[-int(pack["history"]["max_facts"]) :]
    return [
        ("history", text[:limit], f"interaction_history[{i}].text", None, 0.25) for i, text in keep
    ]


def extract_facts(prospect: Prospect) -> tuple[list[Fact], list[ExcludedSpan]]:
    """The prospect's personalization points, strongest first, each with its source field.

    Links and e-mail addresses never travel inside a fact's words (a fact's link is its ``url``),
    and text that reads like offer terms is excluded, with the reason, rather than used.
    """
    found: list[tuple[FactKind, str, str, str | None, float]] = []
    content = sorted(
        enumerate(prospect.recent_content),
        key=lambda item: item[1].published_at or "",
        reverse=True,
    )
    for rank, (i, item) in enumerate(content[:3]):
        if item.title:
            found.append(
                (
                    "content_title",
                    item.title,
                    f"recent_content[{i}].title",
                    item.url,
                    0.9 - rank * 0.1,
                )
            )
        if item.summary:
            found.append(
                (
                    "content_summary",
                    item.summary,
                    f"recent_content[{i}].summary",
                    None,
                    0.4 - rank * 0.05,
                )
            )
    if prospect.niche:
        found.append(("niche", prospect.niche, "niche", None, 0.6))
    if prospect.audience_size and prospect.audience_size > 0:
        found.append(("audience_size", f"{prospect.audience_size:,}", "audience_size", None, 0.55))
    for sentence in _bio_sentences(prospect.bio or ""):
        found.append(("bio", sentence, "bio", None, 0.5))
    if prospect.company:
        found.append(("company", prospect.company, "company", None, 0.45))
    if prospect.title:
        found.append(("job_title", prospect.title, "title", None, 0.4))
    if prospect.location:
        found.append(("location", prospect.location, "location", None, 0.35))
    for i, tag in enumerate(prospect.tags[:3]):
        if tag:
            found.append(("tag", tag, f"tags[{i}]", None, 0.3))
    if prospect.website:
        found.append(("website", prospect.website, "website", prospect.website, 0.2))
    if prospect.platform:
        found.append(("platform", prospect.platform, "platform", None, 0.2))
    history = _history_words(prospect)  # after the profile's facts, whatever their weight
    found.sort(key=lambda f: f[4], reverse=True)
    facts: list[Fact] = []
    excluded: list[ExcludedSpan] = []
    for kind, raw, src, url, weight in found + history:
        text, refused = screen_fact_text(raw, src)
        if refused and kind == "history":
            continue  # a conversation, not a profile claim: left out without a report
        if refused:
            excluded.append(refused)
        elif len(text) >= 2:
            facts.append(
                Fact(
                    id=f"f{len(facts) + 1}",
                    kind=kind,
                    text=text,
                    source_field=src,
                    url=url,
                    weight=round(weight, 2),
                )
            )
    return facts, excluded


def uncovered_text(prospect: Prospect, facts: Iterable[Fact]) -> list[str]:
    """Pieces of the fields research reads that no extracted fact carries yet.

    Research (``tools/writing/research.py``) may only quote the bio, niche, company, title,
    location, tags and recent content verbatim; when every sentence, tag and content title or
    summary there is already a fact (or is refused as one), it has nothing to find.
    """
    known = [f.text.casefold() for f in facts]
    pieces = [s.strip(" -|•") for s in _SENTENCE.split(prospect.bio or "")]
    pieces += [prospect.niche or "", prospect.company or "", prospect.title or ""]
    pieces += [prospect.location or "", *prospect.tags]
    for item in prospect.recent_content:
        pieces += [item.title or "", item.summary or ""]
    left = []
    for piece in pieces:
        folded = piece.strip().casefold()
        if len(folded) < 3 or any(folded in k or k in folded for k in known if len(k) >= 3):
            continue
        if screen_fact_text(piece, "bio")[1] is None:
            left.append(piece)
    return left


def analyse_profile(prospect: Prospect) -> ProfileAnalysis:
    """Preferences and behaviour: tone, channel, active hours and past responses."""
    tone = _TONE_WORDS.get((prospect.preferences.tone or "").lower())
    inbound = [h for h in prospect.interaction_history if h.direction.lower() == "inbound"]
    hours = sorted(
        {t.hour for h in inbound if (t := _parse_time(h.at)) is not None and t.tzinfo is not None}
    )
    opted_out = any(
        _stated_opt_out(h.outcome)
        or (h.direction.lower() == "inbound" and bool(h.text) and is_opt_out(h.text))
        for h in inbound + [h for h in prospect.interaction_history if h.outcome]
    )
    return ProfileAnalysis(
        preferred_tone=tone if tone in TONES else None,
        preferred_channel=(prospect.preferences.channel or None),
        active_hours_utc=hours,
        niche_group=niche_group(prospect.niche, prospect.tags),
        replied_before=bool(inbound),
        asked_not_to_contact=opted_out,
    )


def _stated_opt_out(outcome: str | None) -> bool:
    """True when a record's stated outcome names an opt-out (the intent registry's aliases)."""
    found = resolve_intent(outcome)
    return found is not None and found.suppress

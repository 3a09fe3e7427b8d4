"""A headline is never pasted into a message: the hook says what the piece is about.

Class (blind review, round 4: 20 of 96 outputs): a content title that is a headline ("Thread:
...", "Flood: Gece fotoğrafında ...", "Vlog #42 | ...") was quoted into the hook in any language,
and read as a fragment glued into a sentence. A title with a label or list mark, an emoji or more
than `max_words` words is not quoted; the hook uses the item's summary (told back, or as an
appositive) or another fact. The properties run every bank language and channel over generated
headlines, at the first touch and at a follow-up (which cites newer content).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipe.domain import Relationship
from ipe.prompts import LANGUAGES
from ipe.tools.channel.formatting import above_footer, finalize
from ipe.tools.policies.channels import channel_names
from ipe.tools.writing.language import detect
from ipe.tools.writing.offline_drafter import quotable_title
from tests.fakes.records import creator, draft
from tests.unit.test_every_bank_language import PEOPLE, TEMPLATE, _english_sentences

_NOT_PROSE = re.compile(r"https?://\S+|\"[^\"\n]*\"|「[^」\n]*」")
MAX_WORDS = int(
    tomllib.loads((Path(__file__).parents[2] / "prompts/phrases/drafting.toml").read_text())[
        "titles"
    ]["max_words"]
)
"""The longest title quoted as a name (``[titles]`` in drafting.toml)."""
FOLLOW_UP = Relationship(stage="awaiting_reply", follow_up=1, days_since_outbound=9)
LABELS = ["Thread", "Flood", "Vlog #12", "Ep. 4", "NEW", "Tutorial", "Recap"]
MARKS = [": ", " | ", " - ", " — ", "｜"]
EMOJI = ["🔥", "🍲", "✨", "📸"]


@st.composite
def headlines(draw: st.DrawFn, language: str) -> str:
    """A title of the class: a label or list mark, an emoji, or more than MAX_WORDS words."""
    _, niche, title, _ = PEOPLE[language]
    words = [w for w in f"{title} {niche}".split() if w] or [title]
    kind = draw(st.sampled_from(["label", "mark", "emoji", "long"]))
    if kind == "label":
        return f"{draw(st.sampled_from(LABELS))}: {title}"
    if kind == "mark":
        return f"{title}{draw(st.sampled_from(MARKS))}{niche}"
    if kind == "emoji":
        return f"{title} {draw(st.sampled_from(EMOJI))}"
    count = draw(st.integers(min_value=MAX_WORDS + 1, max_value=MAX_WORDS + 6))
    return " ".join(words[i % len(words)] for i in range(count))


def test_the_class_is_not_quotable_and_a_name_is() -> None:
    for title in (
        "Thread: how I pack",
        "Vlog #42 | Kyoto",
        "Ragù 🔥",
        " ".join("w" * (k + 1) for k in range(MAX_WORDS + 1)),
    ):
        assert not quotable_title(title), title
    for title in ("Sunday Ragù for Twelve", "自宅で浅煎りを淹れるコツ", "Långkok i gjutjärnsgryta"):
        assert quotable_title(title), title


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    language=st.sampled_from(LANGUAGES),
    channel=st.sampled_from(channel_names()),
    stage=st.sampled_from(["cold", "follow_up"]),
    with_summary=st.booleans(),
    seed=st.text(min_size=1, max_size=4),
)
def test_a_headline_is_never_pasted_and_the_message_keeps_one_language(
    data: st.DataObject,
    language: str,
    channel: str,
    stage: str,
    with_summary: bool,
    seed: str,
) -> None:
    title = data.draw(headlines(language))
    name, niche, _, bio = PEOPLE[language]
    summary = f"{niche}. {PEOPLE[language][2]}." if with_summary else None
    person = creator(language, name, niche, title, bio, summary=summary)
    made = draft(
        person,
        TEMPLATE,
        language=language,
        channel=channel,
        relationship=FOLLOW_UP if stage == "follow_up" else None,
        seed=seed,
    )
    subject, body = finalize(
        made.subject, made.body, channel=channel, template=TEMPLATE, language=language
    )
    text = f"{subject or ''}\n{body}"
    assert title.casefold() not in text.casefold(), text
    prose = _NOT_PROSE.sub(" ", above_footer(body))
    assert detect(prose) in (language, None), body
    assert _english_sentences(body, language) == [], body

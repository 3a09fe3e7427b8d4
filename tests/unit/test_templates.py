"""The tenant's copy in Liquid: fields, fallbacks, conditions, errors, variations that keep it."""

import json

import pytest

from ipe.domain import (
    Fact,
    InvalidInputError,
    Offer,
    Prospect,
    Sender,
    Template,
    VariationPlan,
)
from ipe.graph.cli import main
from ipe.tools.trust.inputs import validate_request
from ipe.tools.writing.offline_drafter import compose
from ipe.tools.writing.templates import canonical, check_copy, render, review_template

BODY = (
    'Hi {{ first_name | default: "there" }},\n\n{{ personal_hook }} {{ why_you }}\n\n'
    "Forja makes carbon-steel pans forged to last a lifetime. Our affiliate program pays 12% "
    "commission on every sale you refer."
    "{% if company %} It could suit {{ company }} too.{% endif %}"
    "\n\nShall I send a skillet over?\n\n{{ sender_first_name }}"
)
TEMPLATE = Template(
    id="forja",
    brand="Forja",
    sender=Sender(
        name="Tomás Herrera",
        postal_address="Calle de Alcalá 120, Madrid",
        unsubscribe_url="https://forja.example/unsub",
    ),
    offer=Offer(summary="carbon-steel pans forged to last a lifetime", commission="12%"),
    subject="A Forja skillet for your kitchen",
    body=BODY,
)
FACTS = [
    Fact(
        id="f1",
        kind="content_title",
        text="Why I Switched to Carbon Steel Pans",
        source_field="recent_content[0].title",
        weight=0.9,
    ),
    Fact(id="f2", kind="niche", text="home cooking", source_field="niche", weight=0.6),
    Fact(id="f3", kind="audience_size", text="210,000", source_field="audience_size"),
]
PROSPECT = Prospect(id="p1", name="Marcus Bell", platform="youtube", niche="home cooking")


def test_fields_fallbacks_conditions_and_old_merge_fields():
    assert render(BODY, {}).startswith("Hi there,")
    with_company = render(BODY, {"first_name": "Ana", "company": "Bell Kitchen"})
    assert with_company.startswith("Hi Ana,") and "It could suit Bell Kitchen too." in with_company
    assert "It could suit" not in render(BODY, {"first_name": "Ana"})
    assert render("Hi {{first_name}}, from {{brand}}", {"first_name": "Li", "brand": "X"}) == (
        "Hi Li, from X"
    )
    assert render("Hi {{ firstName }} {{FIRST_NAME}}", {"first_name": "Li"}) == "Hi Li Li"
    assert canonical("companyName") == "company" and canonical("FIRST_NAME") == "first_name"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {{ favourite_pan }}", "unknown field.s. favourite_pan"),
        ("{% if first_name %}Hi", "not valid Liquid"),
        ("Hi {{ first_name | no_such_filter }}", "no_such_filter"),
    ],
)
def test_unknown_fields_and_broken_copy_are_errors_before_any_work(body, message):
    bad = TEMPLATE.model_copy(update={"body": body})
    with pytest.raises(InvalidInputError, match=message):
        check_copy(bad)
    with pytest.raises(InvalidInputError):
        validate_request({"id": "p", "name": "Ana"}, bad.model_dump(), "email")


def _draft(plan_id: str, angle: str, channel: str = "email"):
    plan = VariationPlan(id=plan_id, tone="casual", angle=angle, cta="reply")
    return compose(
        plan,
        facts=FACTS,
        template=TEMPLATE,
        first_name="Marcus",
        channel=channel,
        links_allowed=True,
        seed="p1",
        prospect=PROSPECT,
    )


def test_variations_keep_the_tenant_copy_and_vary_the_hook():
    drafts = [
        _draft("v1", "recent_content"),
        _draft("v2", "niche_fit"),
        _draft("v3", "audience"),
    ]
    for d in drafts:
        assert "Our affiliate program pays 12% commission on every sale you refer." in d.body
        assert "Shall I send a skillet over?" in d.body and d.body.endswith("Tomás")
        assert d.subject == "A Forja skillet for your kitchen"
        assert "{{" not in d.body and "{%" not in d.body
    assert "Carbon Steel Pans" in drafts[0].body and drafts[0].fact_ids == ["f1"]
    assert "home cooking" in drafts[1].body
    assert "210K" in drafts[2].body
    assert len({d.body for d in drafts}) == 3


def test_a_dm_from_a_template_uses_the_copy_too():
    d = _draft("v1", "recent_content", channel="instagram")
    assert "Shall I send a skillet over?" in d.body and d.subject is None


def test_template_review_reports_legal_gaps_and_missing_defaults():
    review = review_template(TEMPLATE)
    assert review.problems["email"] == [] and review.problems["tiktok"] == []
    bare = TEMPLATE.model_copy(
        update={"body": "Hi {{ first_name }}, {{ personal_hook }} We pay 15% a sale. Talk?"}
    )
    review = review_template(bare)
    assert any("first_name" in w for w in review.warnings)
    assert any("affiliate" in gap for gap in review.problems["x"])
    assert not any("brand" in gap for gap in review.problems["x"])  # the engine names it


def test_template_review_says_how_the_brand_is_named():
    """A short form counts as naming the brand; without one the engine signs with it."""
    short = TEMPLATE.model_copy(
        update={
            "brand": "Forja Cookware Co.",
            "body": "Hi {{ first_name }}, {{ personal_hook }} At Forja our affiliate program "
            "pays 12% commission. Shall we talk?\n\nMaya",
        }
    )
    actions = review_template(short).actions
    assert '"Forja"' in actions[0] and 'the copy names the brand as "Forja"' in actions[1]
    unnamed = short.model_copy(
        update={"body": "Hi {{ first_name }}, our affiliate program pays 12%. Shall we talk?"}
    )
    actions = review_template(unnamed).actions
    assert any("signs" in a and "from Forja Cookware" in a for a in actions)


def test_ipe_template_check(tmp_path, capsys):
    good = tmp_path / "t.json"
    good.write_text(json.dumps(TEMPLATE.model_dump(mode="json")), encoding="utf-8")
    prospect = tmp_path / "p.json"
    prospect.write_text(json.dumps(PROSPECT.model_dump(mode="json")), encoding="utf-8")
    assert main(["template", "check", str(good), "--prospect", str(prospect)]) == 0
    out = capsys.readouterr().out
    assert "preview:" in out and "Shall I send a skillet over?" in out and "email     ok" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(TEMPLATE.model_dump(mode="json"), body="{{ x }}")), "utf-8")
    assert main(["template", "check", str(bad)]) == 2
    assert "unknown field" in capsys.readouterr().err


def test_prompt_version_hashes_every_file_that_shapes_the_text():
    """A language's phrase bank and the policies change the version, not only the prompts."""
    from ipe.prompts import shaping_files

    names = {name for name, _ in shaping_files()}
    assert {"prompts/phrases/de/message.toml", "prompts/draft_system.txt"} <= names
    assert {"policies/channels.toml", "policies/brand.toml"} <= names


def test_a_copy_that_promotes_nothing_needs_no_disclosure_and_no_offer_is_a_gap():
    plain = TEMPLATE.model_copy(
        update={"body": "Hi {{ first_name }}, {{ personal_hook }} Shall we talk?"}
    )
    assert review_template(plain).problems["x"] == []
    bare = TEMPLATE.model_copy(
        update={"offer": Offer(), "approved_claims": [], "subject": None, "body": None}
    )
    assert all(
        any("the template has no offer" in gap for gap in gaps)
        for gaps in review_template(bare).problems.values()
    )

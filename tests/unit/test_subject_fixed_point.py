"""A subject whose lines, once joined, complete markup is cleaned to a fixed point."""

from ipe.domain import Sender, Template
from ipe.tools.channel.formatting import finalize

TEMPLATE = Template(
    id="t",
    brand="Acme",
    sender=Sender(name="Ma", postal_address="1 Main St", unsubscribe_url="https://a.io/u"),
)


def test_a_code_span_split_over_two_lines_is_idempotent() -> None:
    once = finalize("`\n`", "", channel="email", template=TEMPLATE)
    assert finalize(once[0], once[1], channel="email", template=TEMPLATE) == once
    assert once[0] == ""

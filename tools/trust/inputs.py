"""Input validation: raw dicts or models in; validated models and a channel, or one clear error.

``bounded`` checks a record's shape before anything else touches it
(``tools/policies/limits.toml``): nesting depth, entries per container, integer range and total
size are refused with one line (never a ``RecursionError`` or an ``OverflowError`` later);
untrusted text longer than its bound is cut, so nothing stored or checkpointed holds it whole.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from ipe.domain import (
    Channel,
    InvalidInputError,
    Prospect,
    Template,
    TemplateComplianceError,
    UnknownChannelError,
    first_error,
)
from ipe.tools.channel.policy import template_legal_gaps
from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import channel_key, channel_names, channels_of_kind
from ipe.tools.writing.templates import check_copy


@cache
def limits() -> dict[str, int]:
    """The input bounds (``[input]`` of ``tools/policies/limits.toml``)."""
    return {k: int(v) for k, v in load_pack("limits")["input"].items()}


def _where(path: list[str | int]) -> str:
    shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[:6]).lstrip(".")
    return shown + ("..." if len(path) > 6 else "")


def bounded(value: dict[str, Any], what: str, *, text_chars: int, cut: bool) -> dict[str, Any]:
    """A copy of ``value`` within the input bounds, or an ``InvalidInputError`` naming the field.

    Walks the record without recursion (so any nesting gets one clear line). Strings longer than
    ``text_chars`` are cut to it when ``cut`` (untrusted text), else refused.
    """
    lim = limits()
    max_int = 2 ** lim["max_int_bits"]
    size = 0
    root: dict[str, Any] = {}
    stack: list[tuple[Any, Any, Any, list[str | int]]] = [(value, root, None, [])]
    while stack:
        item, parent, key, path = stack.pop()
        if isinstance(item, dict | list | tuple):
            if len(path) >= lim["max_depth"]:
                raise InvalidInputError(
                    f"{what} nests deeper than {lim['max_depth']} levels (at '{_where(path)}')"
                )
            if len(item) > lim["max_items"]:
                raise InvalidInputError(
                    f"{what} field '{_where(path) or what}' has {len(item)} entries; "
                    f"at most {lim['max_items']} are accepted"
                )
            if isinstance(item, dict):
                copy: Any = {} if key is not None else root
                for k, v in item.items():
                    name = str(k)
                    size += len(name) + 1
                    copy[name] = None
                    stack.append((v, copy, name, [*path, name]))
            else:
                copy = [None] * len(item)
                for i, v in enumerate(item):
                    stack.append((v, copy, i, [*path, i]))
            if key is not None:
                parent[key] = copy
            size += 2
        else:
            if isinstance(item, str):
                if len(item) > text_chars:
                    if not cut:
                        raise InvalidInputError(
                            f"{what} field '{_where(path)}' is {len(item)} characters; "
                            f"at most {text_chars} are accepted"
                        )
                    item = item[:text_chars]
                size += len(item) + 2
            elif isinstance(item, int) and not isinstance(item, bool):
                if not -max_int <= item < max_int:
                    raise InvalidInputError(
                        f"{what} field '{_where(path)}' holds an integer of {item.bit_length()} "
                        f"bits; at most {lim['max_int_bits']} bits (plus sign) are accepted"
                    )
                size += 8
            else:
                size += 8
            parent[key] = item
        if size > lim["max_bytes"]:
            raise InvalidInputError(
                f"{what} is larger than {lim['max_bytes']:,} bytes; split or trim the record"
            )
    return root


def bounded_prospect(raw: Any) -> dict[str, Any]:
    """The prospect record within bounds (over-long scraped text cut)."""
    return bounded(
        as_dict(raw, "prospect"), "prospect", text_chars=limits()["prospect_text_chars"], cut=True
    )


def bounded_template(raw: Any) -> dict[str, Any]:
    """The template within bounds (over-long text refused: it is the tenant's own)."""
    return bounded(
        as_dict(raw, "template"), "template", text_chars=limits()["template_text_chars"], cut=False
    )


def bounded_event(raw: Any) -> dict[str, Any]:
    """One engagement event within bounds (a reply text or edited body cut to its bound)."""
    return bounded(
        as_dict(raw, "engagement event"),
        "engagement event",
        text_chars=limits()["event_text_chars"],
        cut=True,
    )


def as_dict(value: Any, what: str) -> dict[str, Any]:
    """Accept a dict or a pydantic model; anything else is an ``InvalidInputError``."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return value
    raise InvalidInputError(f"{what} must be a JSON object, got {type(value).__name__}")


def parse_prospect(raw: Any) -> Prospect:
    """Validate a prospect record (required: id, name)."""
    try:
        prospect = Prospect.model_validate(as_dict(raw, "prospect"))
    except ValidationError as err:
        raise InvalidInputError(first_error(err, "prospect")) from None
    if not prospect.id or not prospect.name:
        raise InvalidInputError("prospect needs a non-empty 'id' and 'name'")
    return prospect


def parse_template(raw: Any) -> Template:
    """Validate a template (required: id, brand, sender)."""
    try:
        return Template.model_validate(as_dict(raw, "template"))
    except ValidationError as err:
        raise InvalidInputError(first_error(err, "template")) from None


def resolve_channel(platform: str | None, prospect: Prospect) -> Channel:
    """The explicit platform if given (must be known), else the prospect's preference or email."""
    names = channel_names()
    if platform:
        key = channel_key(platform)
        if key not in names:
            raise UnknownChannelError(
                f"unknown channel '{platform}': use one of {', '.join(names)}"
            )
        return key
    for candidate in (prospect.preferences.channel, prospect.platform):
        key = channel_key(candidate)
        if key in names:
            return key
    return channels_of_kind("email")[0]


def validate_request(
    prospect: Any, template: Any, platform: str | None
) -> tuple[Prospect, Template, Channel]:
    """Everything a run needs up front; raises a ``PersonalizationError`` subclass on bad input."""
    parsed_prospect = parse_prospect(bounded_prospect(prospect))
    parsed_template = parse_template(bounded_template(template))
    check_copy(parsed_template)  # unknown fields or broken Liquid: an error before any work
    channel = resolve_channel(platform, parsed_prospect)
    gaps = template_legal_gaps(parsed_template, channel)
    if gaps:
        raise TemplateComplianceError(
            f"template '{parsed_template.id}' cannot be sent on {channel}: {'; '.join(gaps)}"
        )
    return parsed_prospect, parsed_template, channel

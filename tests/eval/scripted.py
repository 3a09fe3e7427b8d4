"""A scripted chat model playing a partnerships manager: it answers with drafts a person wrote.

It stands in for an OpenAI-compatible model on the LLM path: the drafting call gets the manager's
draft for the record (as the JSON the drafting schema asks for), the research call finds nothing
new, and a reply-classification call gets the intent the golden record says the reply has. Every
prompt it receives is kept, so the evaluators can check what the model was shown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

INTENT_BY_STAGE = {
    "deferred": "not_now",
    "check_back_due": "not_now",
    "asked_for_details": "interested",
    "declined": "not_interested",
    "opted_out": "unsubscribe_request",
}


FLAW = " Last year 9 of our partners doubled their income with us."
"""What a careless model adds to a good draft: an invented figure and a promise of results."""


def flawed(draft: dict[str, Any]) -> dict[str, Any]:
    """``draft`` with the sentence a manager would strike (the critic must reject it)."""
    return dict(draft, body=draft["body"] + FLAW)


class ScriptedManager(BaseChatModel):
    """Answers drafting calls with ``drafts`` in turn (the last one repeats).

    With ``first`` set, a first draft gets ``first`` and a repair prompt (one that shows the model
    its rejected draft) gets the manager's draft: the repair loop's way back to a sendable text.
    """

    drafts: list[dict[str, Any]]
    first: dict[str, Any] | None = None
    intent: str = "neutral"
    draft_prompts: list[str] = Field(default_factory=list)
    other_prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-manager"

    def _answer(self, messages: list[BaseMessage]) -> str:
        system = str(messages[0].content) if messages else ""
        user = str(messages[-1].content) if messages else ""
        if '{"intent"' in system:
            self.other_prompts.append(user)
            return json.dumps({"intent": self.intent})
        if '{"facts"' in system:
            self.other_prompts.append(user)
            return json.dumps({"facts": []})
        n = min(len(self.draft_prompts), len(self.drafts) - 1)
        self.draft_prompts.append(user)
        draft = self.drafts[n]
        if self.first is not None:
            draft = self.drafts[-1] if '"rejected_draft"' in user else self.first
        one = {"subject": draft.get("subject"), "body": draft["body"], "fact_ids": []}
        ids = re.findall(r"^Variation (\S+):", user, re.MULTILINE)
        if ids:  # all variations in one call (the default draft mode): one draft for each
            drafts = [{"variation_id": i, **one} for i in ids]
            return json.dumps({"drafts": drafts}, ensure_ascii=False)
        return json.dumps(one, ensure_ascii=False)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(content=self._answer(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])

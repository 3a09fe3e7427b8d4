"""The opt-out sweep of issue 23: generated opt-outs and look-alikes per language, read.

Usage::

    python bench/opt_out_sweep.py [--seeds N] [--failures] [--language CODE ...]

Every case of ``tests/unit/opt_out_generators.py`` (each act of a language in every variation:
courtesy words, a greeting and a signature, the brand, lower case without accents, a typo, a
letter from another script) is read with ``ipe.tools.learning.replies.read_reply``. An opt-out
is heard when the reading's intent suppresses; a look-alike (a broken unsubscribe link, a spam
folder, "don't stop"...) is lost when it does. The report gives, per language, the cases and the
failures of each kind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipe.tools.learning.replies import read_reply
from ipe.tools.policies.intents import get

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.unit.opt_out_generators import LANGUAGES, Case, cases  # noqa: E402


def suppresses(text: str) -> bool:
    """True when the reading of ``text`` puts the person on the suppression list."""
    return get(read_reply(text).intent).suppress


def failed(case: Case) -> bool:
    """True when ``case`` is read the wrong way (an opt-out not heard, a look-alike heard)."""
    return suppresses(case.text) != case.opt_out


def main() -> None:
    """Print the sweep per language."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2, help="draws per seeded variation")
    parser.add_argument("--failures", action="store_true", help="list every failed case")
    parser.add_argument("--language", action="append", default=[], help="only these languages")
    args = parser.parse_args()
    total = missed = lost = count = 0
    print(f"{'lang':<6}{'cases':>7}{'opt-outs':>10}{'missed':>8}{'look-alikes':>13}{'lost':>6}")
    for code in args.language or sorted(LANGUAGES):
        generated = cases(code, args.seeds)
        wrong = [case for case in generated if failed(case)]
        outs = sum(case.opt_out for case in generated)
        miss = sum(case.opt_out for case in wrong)
        print(
            f"{code:<6}{len(generated):>7}{outs:>10}{miss:>8}{len(generated) - outs:>13}"
            f"{len(wrong) - miss:>6}"
        )
        total, missed, lost = total + len(generated), missed + miss, lost + len(wrong) - miss
        count += 1
        if args.failures:
            for case in wrong:
                kind = "missed" if case.opt_out else "lost"
                print(f"    {kind} [{case.variant}] {case.text!r}")
    print(f"{count} languages, {total} cases: {missed} opt-outs missed, {lost} look-alikes lost")


if __name__ == "__main__":
    main()

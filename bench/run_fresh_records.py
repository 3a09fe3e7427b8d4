"""Run a fresh half through `ipe personalize --json`, two message ids each; write JSONL results.

usage: python bench/run_fresh_records.py REPO HALF OUT [--seeds 2]   (REPO: where .venv/bin/ipe is)
HALF: `dev` or `holdout` of the 2026-12-07 set, or any half's folder (holding manifest.json).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

repo, half, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
seeds = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 2
default_set = Path(__file__).resolve().parent / "fresh" / "2026-12-07" / "records"
base = Path(half).resolve() if Path(half).is_dir() else default_set / half
half = base.name
manifest = json.loads((base / "manifest.json").read_text())
ipe = repo / ".venv" / "bin" / "ipe"
env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "IPE_", "LANGSMITH"))}
env.update(IPE_LLM="none", LANGSMITH_TRACING="false")
rows = []
for entry in manifest:
    for k in range(1, seeds + 1):
        with tempfile.TemporaryDirectory() as data:
            cmd = [
                str(ipe),
                "personalize",
                "--prospect",
                str(base / entry["prospect"]),
                "--template",
                str((base / entry["template"]).resolve()),
                "--json",
                "--data-dir",
                data,
                "--user-id",
                "fresh",
                "--message-id",
                f"fresh-{half}-{Path(entry['prospect']).stem}-{k}",
            ]
            if entry.get("platform"):
                cmd += ["--platform", entry["platform"]]
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=repo)
            row = {
                "prospect": entry["prospect"],
                "template": entry["template"],
                "seed": k,
                "expected": entry["expected"],
                "exit": proc.returncode,
            }
            if proc.returncode == 0:
                try:
                    res = json.loads(proc.stdout)
                except json.JSONDecodeError:
                    row["stdout"] = proc.stdout[-2000:]
                else:
                    for key in (
                        "status",
                        "channel",
                        "language",
                        "subject",
                        "body",
                        "reasons",
                        "not_before",
                        "relationship",
                        "recipient",
                    ):
                        if key in res:
                            row[key] = res[key]
            else:
                row["stderr"] = proc.stderr[-1500:]
            rows.append(row)
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
statuses: dict[str, int] = {}
for r in rows:
    s = r.get("status", f"exit{r['exit']}")
    statuses[s] = statuses.get(s, 0) + 1
print(half, len(rows), statuses)

"""mypy --strict over the ``ipe`` package as it is installed, read from the source folders.

``pyproject.toml`` maps ``ipe.graph``, ``ipe.nodes``, ``ipe.tools``, ``ipe.memory`` and
``ipe.prompts`` onto the top-level folders (setuptools ``package-dir``). mypy names a file's module
after the folders it sits in and cannot read setuptools' editable import hook, so this script hands
mypy every module with the name it has when installed (``graph/builder.py`` is
``ipe.graph.builder``), using the settings of ``[tool.mypy]``. Extra arguments go to mypy.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from mypy import build
from mypy.errors import CompileError
from mypy.main import process_options
from mypy.modulefinder import BuildSource

ROOT = Path(__file__).resolve().parents[1]


def _package_dirs() -> dict[str, Path]:
    """The import name of each mapped folder, from ``[tool.setuptools.package-dir]``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    return {package: ROOT / folder for package, folder in mapping.items()}


def sources() -> list[BuildSource]:
    """Every module under the mapped folders, named as installed."""
    found: list[BuildSource] = []
    for package, folder in sorted(_package_dirs().items()):
        nested = [p for p in _package_dirs() if p.startswith(package + ".")]
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            module = ".".join([package, *parts])
            if any(module == n or module.startswith(n + ".") for n in nested):
                continue  # another entry maps it (ipe.graph is not ipe/graph)
            found.append(BuildSource(str(path.relative_to(ROOT)), module, None))
    return found


def main(argv: list[str]) -> int:
    """Run mypy with the project's settings over every module; mypy's exit status."""
    config = str(ROOT / "pyproject.toml")
    _, options = process_options(["--config-file", config, *argv, "-c", "pass"])
    options.packages = options.modules = options.files = None
    found = sources()
    try:
        result = build.build(found, options, stdout=sys.stdout, stderr=sys.stderr)
    except CompileError as error:
        for line in error.messages:
            print(line, file=sys.stderr)  # noqa: T201
        return 2
    for line in result.errors:
        print(line)  # noqa: T201
    files = len({s.path for s in found})
    if result.errors:
        errors = sum(": error:" in line for line in result.errors)
        print(f"Found {errors} errors in {files} source files (mypy --strict)")  # noqa: T201
        return 1
    print(f"Success: no issues found in {files} source files")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

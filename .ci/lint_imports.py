"""import-linter's contracts (``[tool.importlinter]`` in pyproject.toml) over the ``ipe`` package.

import-linter (grimp) finds a package's modules under the package's own folder, but
``pyproject.toml`` maps ``ipe.graph``, ``ipe.nodes``, ``ipe.tools``, ``ipe.memory`` and
``ipe.prompts`` onto the top-level folders (setuptools ``package-dir``). This script lays the
package out as it is installed, in a temporary folder (copies of the ``.py`` files, with the
same names as installed) and runs ``lint-imports`` there (it finds the package in its working
folder before the editable install's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))

from typecheck import sources  # noqa: E402 - the same module list mypy checks


def lay_out(where: Path) -> int:
    """Copy every module of the package to its installed path under ``where``; how many."""
    found = sources()
    for source in found:
        parts = source.module.split(".")
        is_package = Path(source.path).name == "__init__.py"
        target = where.joinpath(*parts, "__init__.py") if is_package else where.joinpath(*parts)
        if not is_package:
            target = target.with_suffix(".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / source.path, target)
    return len(found)


def main(argv: list[str]) -> int:
    """Run ``lint-imports`` with the project's contracts; its exit status."""
    with tempfile.TemporaryDirectory(prefix="ipe-imports-") as tmp:
        count = lay_out(Path(tmp))
        command = [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
            str(ROOT / "pyproject.toml"),
            *argv,
        ]
        # lint-imports puts its working folder first on the path: the laid-out package is found
        run = subprocess.run(command, check=False, cwd=tmp)
        if run.returncode == 0:
            print(f"import-linter: {count} modules kept every contract")  # noqa: T201
        return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

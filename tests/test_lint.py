"""The tree stays clean under the pinned linters: `ruff check` and `mypy`, configured in pyproject.toml
([tool.ruff], [tool.mypy]), run from the venv like a developer runs them. A new finding fails `make test`
(hence CI) with the linter's own report in the message."""

import subprocess

import pytest

from seed_data import BIN, REPO


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("command", [
    [str(BIN / "ruff"), "check", "--no-cache", "--output-format", "concise", "."],
    [str(BIN / "mypy")],
], ids=["ruff", "mypy"])
def test_the_tree_has_no_lint_findings(command):
    result = run(command)
    assert result.returncode == 0, f"{' '.join(command[:2])} found problems:\n{result.stdout}{result.stderr}"

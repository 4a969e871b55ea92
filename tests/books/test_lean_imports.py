"""The report path starts fast: make report, make check, report.variance and make inkomsten
import nothing they do not need (no Fava, Flask, lxml or beangulp; no beanquery when the
budget table comes from the cache).

Each command runs as a fresh process (`runpy`, as `python -m` runs it) and prints the
modules it imported; the web and import stacks must not be among them.
"""

import json
import subprocess

import pytest
from seed_data import ACTUAL_BOOK, BIN, BUDGET_BOOK, REPO

HEAVY = ("fava", "flask", "werkzeug", "jinja2", "lxml", "beangulp")

PROBE = """
import contextlib, io, json, runpy, sys
sys.argv = [sys.argv[1], *sys.argv[2:]]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""

COMMANDS = {
    "make report": ["report", str(BUDGET_BOOK)],
    "python -m report.variance": ["report.variance", str(ACTUAL_BOOK)],
    "make inkomsten": ["report.income_watch", str(ACTUAL_BOOK), "--datum", "2022-06-30"],
    "make check (bean-check)": ["beancount.scripts.check", str(ACTUAL_BOOK)],
}


def imported(argv: list[str]) -> set[str]:
    out = subprocess.run([str(BIN / "python"), "-c", PROBE, *argv], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=300).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("name", COMMANDS)
def test_report_path_imports_no_web_or_import_stack(name):
    modules = imported(COMMANDS[name])
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"{name} imports {heavy}"


def test_warm_make_report_does_not_import_beanquery():
    """The budget table's rows come from the cache: beanquery's parser (0.2 s to import) stays out."""
    imported(COMMANDS["make report"])  # the first run may fill the cache
    modules = imported(COMMANDS["make report"])
    assert "report.budget_table" in modules
    assert not any(m.split(".")[0] in ("beanquery", "tatsu") for m in modules)

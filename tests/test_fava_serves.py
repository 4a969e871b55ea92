"""`make fava` serves both books on 127.0.0.1; the budget book's quarterly income statement shows the budget."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from decimal import Decimal

import pytest

from seed_data import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def fava_url():
    port = free_port()
    proc = subprocess.Popen(["make", "-s", "fava", f"PORT={port}"], cwd=REPO, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("make fava did not answer on 127.0.0.1 within 60 s")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)["data"]


def test_make_fava_serves_both_books(fava_url):
    for slug in ("werkvereniging-begroting-2022", "werkvereniging-boekhouding-2022"):
        with urllib.request.urlopen(f"{fava_url}/{slug}/income_statement/", timeout=30) as response:
            assert response.status == 200


def test_quarterly_income_statement_shows_the_seed_budget(fava_url, seed_table):
    data = get_json(f"{fava_url}/werkvereniging-begroting-2022/api/income_statement?interval=quarter&time=2022")
    # Fava's first bar chart is the net result per interval, with every account's balance.
    chart = next(c for c in data["charts"] if c["type"] == "bar")
    quarters = []
    for bar in chart["data"]:
        balances = bar["account_balances"]
        income = sum(Decimal(str(v.get("EUR", 0))) for a, v in balances.items() if a.startswith("Inkomsten:"))
        # invert-income-liabilities-equity: income shown positive, so expenses come out negative.
        expenses = -sum(Decimal(str(v.get("EUR", 0))) for a, v in balances.items() if a.startswith("Uitgaven:"))
        quarters.append((income, expenses))
    totals = {row["sectie"]: row for row in seed_table if not row["regel"]}
    assert quarters == [(totals["INKOMSTEN"][q], totals["UITGAVEN"][q]) for q in ("Q1", "Q2", "Q3", "Q4")]

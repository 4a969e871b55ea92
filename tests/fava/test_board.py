"""Board mode: `make board` serves both books read-only on 127.0.0.1; every write is refused with 401.

The Begroting extension has no endpoint of its own (GET or otherwise): a POST to an extension
URL reaches Fava's extension dispatcher, which read-only mode refuses before it is called.
"""

import hashlib
import json
import subprocess
import urllib.error
import urllib.request

import pytest

from fava_books import ACTUAL_SLUG, BUDGET_SLUG, REPO


def request(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_make_board_is_read_only_on_loopback():
    command = subprocess.run(["make", "-s", "-n", "board"], cwd=REPO, capture_output=True, text=True).stdout
    fava = next(line for line in command.splitlines() if "fava" in line)
    assert "--read-only" in fava and "--host 127.0.0.1" in fava
    assert "ledger/begroting-2022.beancount" in fava and "ledger/boekhouding-2022.beancount" in fava


@pytest.mark.parametrize("slug", [BUDGET_SLUG, ACTUAL_SLUG])
def test_board_reads(board_url, slug):
    assert request("GET", f"{board_url}/{slug}/extension/Begroting/") == 200
    assert request("GET", f"{board_url}/{slug}/income_statement/") == 200


def test_board_refuses_every_write(board_url, books):
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in books}
    actual = str(books[1])
    source = books[1].read_text(encoding="utf-8")
    writes = [
        ("PUT", f"/{ACTUAL_SLUG}/api/source", {"file_path": actual, "source": source + "\n; bestuur was hier\n",
                                               "sha256sum": hashlib.sha256(source.encode()).hexdigest()}),
        ("PUT", f"/{ACTUAL_SLUG}/api/add_entries", {"entries": [{
            "t": "Note", "date": "2022-05-01", "account": "Uitgaven:Kernteam", "comment": "x", "meta": {}}]}),
        ("PUT", f"/{ACTUAL_SLUG}/api/format_source", {"source": source}),
        ("DELETE", f"/{ACTUAL_SLUG}/api/source_slice?entry_hash=0&sha256sum=0", None),
        ("POST", f"/{ACTUAL_SLUG}/extension/Begroting/page", {}),
        ("PUT", f"/{BUDGET_SLUG}/extension/Begroting/page", {}),
        ("POST", f"/{BUDGET_SLUG}/api/source", {}),
    ]
    for method, path, body in writes:
        assert request(method, board_url + path, body) == 401, (method, path)
    assert {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in books} == before


def test_without_board_mode_the_extension_has_no_write_endpoint(books):
    """Control: outside read-only mode the same POST finds no endpoint (404), so the 401 above is board mode's."""
    from fava.application import create_app

    client = create_app([str(path) for path in books]).test_client()
    assert client.post(f"/{ACTUAL_SLUG}/extension/Begroting/page", json={}).status_code == 404
    assert client.get(f"/{ACTUAL_SLUG}/extension/Begroting/").status_code == 200

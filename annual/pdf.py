"""Printing the jaarrekening's HTML to PDF with headless Chromium.

Chromium rather than WeasyPrint: it is already installed for the browser tests
(Debian's /usr/bin/chromium), it renders the very HTML and CSS the Fava page shows
(one layout, no second renderer to keep in step), and it needs no new Python packages
with native libraries (WeasyPrint pulls in Pango, cairo and fonts through its own
pinned stack). The PDF is written to a temporary file beside the target and renamed
into place, so a failed print leaves no half-written PDF.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from report.errors import ReportError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
         "--disable-component-update", "--disable-extensions", "--no-first-run", "--no-pdf-header-footer",
         "--run-all-compositor-stages-before-draw")
TIMEOUT = 120


def chromium() -> str:
    """The Chromium binary: $CHROMIUM, else Debian's."""
    configured = os.environ.get("CHROMIUM")
    for candidate in ([configured] if configured else []) + list(CHROMIUM_CANDIDATES):
        if candidate and (Path(candidate).is_file() or shutil.which(candidate)):
            return candidate
    raise ReportError("chromium not found (/usr/bin/chromium): install it with `apt-get install chromium`, "
                      "or set CHROMIUM=/path/to/chrome; the HTML is written, the PDF needs a browser to print it")


def html_to_pdf(html_file: str, pdf_file: str) -> None:
    """Print html_file to pdf_file (A4, the page's print stylesheet); ReportError when Chromium fails."""
    target = Path(pdf_file).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jaarrekening-chromium-") as profile:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            command = [chromium(), *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={temp}",
                       Path(html_file).resolve().as_uri()]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                raise ReportError(f"{pdf_file}: chromium did not print the PDF within {TIMEOUT} s") from None
            if done.returncode != 0 or os.path.getsize(temp) == 0:
                detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
                raise ReportError(f"{pdf_file}: chromium could not print the PDF (exit {done.returncode}: {detail})")
            os.replace(temp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)

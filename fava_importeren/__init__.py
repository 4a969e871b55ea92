"""Fava extension "Importeren": bank statements into the book from the browser.

Enable it in the actual book's options area:

    2022-01-01 custom "fava-extension" "fava_importeren"

The page (templates/Importeren.html) lists the bank files in the import folder
(`bankbestanden/`, git-ignored), takes an upload into it, shows the entries a picked
file would add, and imports them into `te-controleren.beancount` — all through
`importers.pipeline.import_files`, the function behind `make import`, so the same
guarantees hold: the book's lock for the whole read -> check -> write, the file
replaced whole, an inconsistent statement refused with the same `error:` line, nothing
imported twice, hand-typed entries matched. Paths: see `fava_importeren.settings`;
upload names: see `fava_importeren.uploads`.

Why not Fava's own Import page: its "Save" sends the entries back from the browser
(where they can be edited) and writes them one by one into the book file with
`open(..., "w")` under a lock of the Fava process only (fava/core/file.py
`insert_entries`): not atomic, not excluded from `make import`, and not checked against
the book. Its import-config is therefore left unset.

The two write endpoints are POST, so Fava's read-only mode (`make board`) refuses them
with HTTP 401 before they run; they also refuse a request from another site (a form on a
web page the treasurer visits posting to 127.0.0.1).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from fava.ext import FavaExtensionBase, extension_endpoint
from flask import abort, current_app, g, redirect, request
from werkzeug.wrappers import Response

from fava_importeren.settings import Settings, SettingsError, read_settings
from fava_importeren.uploads import (
    BankFile,
    UploadError,
    bank_files,
    picked_file,
    save_upload,
)
from fava_importeren.view import Outcome, proposed_rules_text, run
from importers.errors import ImportFileError


class Importeren(FavaExtensionBase):
    """The treasurer's bank import in the browser: upload or pick a file, see, import."""

    report_title = "Importeren"

    # -- what the template reads ------------------------------------------------------

    def settings(self) -> Settings:
        return read_settings(self.ledger.beancount_file_path, self.config)

    def settings_error(self) -> str | None:
        try:
            self.settings()
        except SettingsError as exc:
            return str(exc)
        return None

    def files(self) -> list[BankFile]:
        return bank_files(self.settings().folder)

    def picked(self) -> str | None:
        name = request.args.get("bestand")
        return name if picked_file(self.settings().folder, name) else None

    def preview(self) -> Outcome | None:
        """The entries the picked file would add (nothing is written)."""
        settings = self.settings()
        filename = picked_file(settings.folder, request.args.get("bestand"))
        return run(settings, filename, write=False) if filename else None

    def proposed_rules(self) -> str:
        """`make regels` on the book as Fava loaded it: rules learned from the reviewed entries (read-only)."""
        settings = self.settings()
        try:
            return proposed_rules_text(self.ledger.all_entries, self.ledger.options, settings.rules,
                                       settings.book)
        except ImportFileError as exc:
            return f"error: {exc}"

    def message(self) -> tuple[str, str] | None:
        """The result of the last upload or import: ("melding" | "fout", text)."""
        for kind in ("fout", "melding"):
            if request.args.get(kind):
                return kind, request.args[kind]
        return None

    def read_only(self) -> bool:
        """Whether Fava runs read-only (make board): the page then hides its forms (Fava refuses them anyway)."""
        return any(getattr(f, "__name__", "") == "_read_only" for f in current_app.before_request_funcs.get(None, []))

    def relative(self, filename: str | None) -> str:
        if not filename:
            return ""
        settings = self.settings()
        return filename.removeprefix(settings.root.rstrip("/") + "/")

    def page_url(self, **params: str) -> str:
        base = f"{request.script_root}/{g.beancount_file_slug}/extension/{self.name}/"
        params = {key: value for key, value in params.items() if value}
        return f"{base}?{urlencode(params)}" if params else base

    # -- the write endpoints (POST: refused in read-only mode) -------------------------

    @extension_endpoint("upload", ["POST"])  # type: ignore[arg-type]  # Fava's decorator returns a union
    def upload(self) -> Response:
        """Save an uploaded file into the import folder, then show what it would add."""
        _refuse_cross_site()
        upload = request.files.get("bestand")
        if upload is None or not upload.filename:
            return self._back(fout="Kies eerst een bestand om te uploaden.")
        try:
            name = save_upload(self.settings().folder, upload.filename, upload.stream)
        except (UploadError, SettingsError) as exc:
            return self._back(fout=f"Niet opgeslagen: {exc}")
        except OSError as exc:
            return self._back(fout=f"Niet opgeslagen: {exc.strerror or exc}")
        return self._back(bestand=name, melding=f"{name} staat in de importmap.")

    @extension_endpoint("importeer", ["POST"])  # type: ignore[arg-type]
    def importeer(self) -> Response:
        """Import the picked file into te-controleren.beancount (all or nothing)."""
        _refuse_cross_site()
        name = request.form.get("bestand", "")
        try:
            settings = self.settings()
        except SettingsError as exc:
            return self._back(fout=str(exc))
        filename = picked_file(settings.folder, name)
        if filename is None:
            return self._back(fout="Dat bestand staat niet (meer) in de importmap.")
        result = run(settings, filename, write=True)
        if result.error:
            return self._back(bestand=name, fout=f"Niets ingelezen. {result.error}")
        self.ledger.changed()   # show the new entries at once
        return self._back(bestand=name, melding=_summary(result, self.relative(settings.output)))

    def _back(self, **params: str) -> Response:
        return redirect(self.page_url(**params), code=303)


def _refuse_cross_site() -> None:
    """403 for a request another site's page made (the browser says so; a form has no token here)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        abort(403)
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403)


def _summary(result: Outcome, output: str) -> str:
    if not result.new:
        return (f"Niets nieuws in {result.filename}: {result.skipped} al in het boek, "
                f"{len(result.matched)} met de hand ingevoerd.")
    return (f"{result.filename}: {result.transactions} boeking(en) ingelezen, waarvan {result.flagged} met vlag ! "
            f"(nog te rubriceren), en {result.balances} saldocontrole(s), naar {output}; "
            f"{result.skipped} stond(en) al in het boek, {len(result.matched)} met de hand ingevoerd.")

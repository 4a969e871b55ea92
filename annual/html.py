"""The jaarrekening as HTML: one fragment for the printable file, the PDF and the Fava page.

`fragment` lays out an annual.model.Jaarrekening (no figure is computed here);
`document` wraps it in a standalone page with a print stylesheet (A4), which
annual.pdf prints with Chromium. The Fava page "Jaarrekening" shows the same fragment,
so the file, the PDF and the page cannot differ. Dutch number format: 1.234 and (5.678).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from decimal import Decimal
from html import escape

from annual.model import BalanceLine, Jaarrekening, Section, StatementLine, Totals
from report.dutch_format import format_euro

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")

STYLE = """
.jaarrekening { font-variant-numeric: tabular-nums; max-width: 52em; }
.jaarrekening h1 { margin-bottom: .1em; }
.jaarrekening h2 { margin-top: 1.4em; border-bottom: 1px solid #999; }
.jaarrekening table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
.jaarrekening th, .jaarrekening td { padding: .12em .5em; vertical-align: top; }
.jaarrekening thead th { text-align: right; border-bottom: 1px solid #999; font-weight: 600; }
.jaarrekening thead th:first-child { text-align: left; }
.jaarrekening td.bedrag { text-align: right; white-space: nowrap; width: 8em; }
.jaarrekening td.noot { text-align: center; width: 3em; color: #555; }
.jaarrekening tr.kop th { text-align: left; padding-top: .7em; font-weight: 600; }
.jaarrekening tr.groep th { text-align: left; font-style: italic; font-weight: normal; padding-top: .3em; }
.jaarrekening tr.regel th { text-align: left; font-weight: normal; padding-left: 1.4em; }
.jaarrekening tr.totaal th, .jaarrekening tr.totaal td, .jaarrekening tr.eindtotaal th,
.jaarrekening tr.eindtotaal td { font-weight: 600; text-align: left; border-top: 1px solid #999; }
.jaarrekening tr.totaal td.bedrag, .jaarrekening tr.eindtotaal td.bedrag { text-align: right; }
.jaarrekening tr.eindtotaal td { border-bottom: 3px double #999; }
.jaarrekening .bron, .jaarrekening .noot-tekst { color: #444; font-size: .92em; }
.jaarrekening ol.toelichting li { margin-bottom: .5em; }
.jaarrekening ol.toelichting ul { margin: .1em 0; }
"""

PRINT_STYLE = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #000; }
.jaarrekening { max-width: none; }
.jaarrekening section { break-inside: auto; }
.jaarrekening h2 { break-after: avoid; }
.jaarrekening tr { break-inside: avoid; }
.jaarrekening section.toelichting { break-before: page; }
"""


def shown_path(filename: str) -> str:
    """A book's file name as the reader knows it: relative to the working folder when inside it."""
    relative = os.path.relpath(filename)
    return filename if relative.startswith("..") else relative


def dutch_long_date(year: int, month: int, day: int) -> str:
    return f"{day} {MONTHS[month - 1]} {year}"


def fragment(report: Jaarrekening) -> str:
    """The jaarrekening's body: balans, staat van baten en lasten, resultaatbestemming, toelichting."""
    d = report.decimals
    year = report.year
    parts = [
        f'<div class="jaarrekening" data-jaar="{year}">',
        f"<h1>Jaarrekening {year}</h1>",
        f"<p>{escape(report.organisation)}</p>",
        (
            f'<p class="bron">Opgesteld uit de boeken: {escape(shown_path(report.actual_file))} '
            "(realisatie en balans) en "
            f"{escape(shown_path(report.budget_file))} (begroting). Elk bedrag is berekend uit deze boeken; de cijfers "
            f"van {year} staan in euro's.</p>"
        ),
        _balance(report, d),
        _statement(report, d),
        _allocation(report, d),
        _notes(report),
        "</div>",
    ]
    return "\n".join(parts)


def document(report: Jaarrekening) -> str:
    """A standalone, printable HTML page of the jaarrekening (no external resources)."""
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Jaarrekening {report.year} — {escape(report.organisation)}</title>\n"
        f"<style>{STYLE}{PRINT_STYLE}</style>\n</head>\n<body>\n{fragment(report)}\n</body>\n</html>\n"
    )


def _amount(value: Decimal, decimals: int, column: str) -> str:
    return f'<td class="bedrag" data-kolom="{column}">{format_euro(value, decimals)}</td>'


def _note(number: int | None) -> str:
    return f'<td class="noot">{f"({number})" if number else ""}</td>'


def _row(kind: str, label: str, cells: Iterable[str], account: str | None = None, note: int | None = None) -> str:
    data = f' data-rekening="{escape(account)}"' if account else ""
    return f'<tr class="{kind}"{data}><th>{escape(label)}</th>{_note(note)}{"".join(cells)}</tr>'


def _heading(label: str, columns: int) -> str:
    return f'<tr class="kop"><th colspan="{columns + 2}">{escape(label)}</th></tr>'


def _balance(report: Jaarrekening, d: int) -> str:
    b = report.balance
    date = dutch_long_date(b.date.year, b.date.month, b.date.day)

    def lines(items: Iterable[BalanceLine], empty: str) -> list[str]:
        rows = [
            _row("regel", line.label, [_amount(line.amount, d, "bedrag")], line.account, line.note) for line in items
        ]
        return rows or [f'<tr class="regel leeg"><th>{escape(empty)}</th><td></td><td class="bedrag">—</td></tr>']

    def total(label: str, value: Decimal, kind: str = "totaal") -> str:
        return _row(kind, label, [_amount(value, d, "bedrag")])

    rows = [
        '<table class="balans">',
        (f"<thead><tr><th>Activa</th><th>Noot</th><th>31-12-{b.date.year}</th></tr></thead><tbody>"),
        _heading("Liquide middelen", 1),
        *lines(b.cash, "geen"),
        total("Totaal liquide middelen", b.cash_total),
        _heading("Vorderingen", 1),
        *lines(b.receivables, "geen"),
        total("Totaal vorderingen", b.receivables_total),
        total("Totaal activa", b.assets_total, "eindtotaal"),
        "</tbody></table>",
        '<table class="balans">',
        (f"<thead><tr><th>Passiva</th><th>Noot</th><th>31-12-{b.date.year}</th></tr></thead><tbody>"),
        _heading("Eigen vermogen", 1),
        _row("regel", b.general_reserve.label, [_amount(b.general_reserve.amount, d, "bedrag")], "algemene-reserve"),
        '<tr class="groep"><th colspan="3">Bestemmingsfondsen</th></tr>',
        *lines(b.funds, "geen bestemmingsfondsen"),
        total("Totaal bestemmingsfondsen", b.funds_total),
        total("Totaal eigen vermogen", b.equity_total),
        _heading("Schulden", 1),
        *lines(b.liabilities, "geen"),
        total("Totaal schulden", b.liabilities_total),
        total("Totaal passiva", b.equity_and_liabilities_total, "eindtotaal"),
        "</tbody></table>",
    ]
    return f'<section class="balans" id="balans">\n<h2>Balans per {date}</h2>\n' + "\n".join(rows) + "\n</section>"


def _figures(line: StatementLine | Totals, d: int) -> list[str]:
    return [
        _amount(line.actual, d, "realisatie"),
        _amount(line.budget, d, "begroting"),
        _amount(line.variance, d, "verschil"),
    ]


def _statement(report: Jaarrekening, d: int) -> str:
    s, year = report.statement, report.year
    rows = [
        '<table class="baten-lasten">',
        (
            f"<thead><tr><th></th><th>Noot</th><th>Realisatie {year}</th><th>Begroting {year}</th>"
            "<th>Verschil</th></tr></thead><tbody>"
        ),
    ]
    for section in Section:
        rows.append(_heading(section.value, 3))
        group: str | None = None
        for line in s.section(section):
            heading = line.group if line.budgeted else "niet begroot"
            if heading and heading != group:
                rows.append(f'<tr class="groep"><th colspan="5">{escape(heading)}</th></tr>')
            group = heading
            rows.append(_row("regel", line.label, _figures(line, d), line.account, line.note))
        rows.append(
            _row(
                "totaal",
                f"Totaal {section.value.lower()}",
                _figures(s.total(section), d),
                f"totaal-{section.name.lower()}",
            )
        )
    rows.append(_row("eindtotaal", "Resultaat", _figures(s.result, d), "resultaat"))
    rows.append("</tbody></table>")
    return (
        f'<section class="baten-lasten" id="baten-lasten">\n<h2>Staat van baten en lasten {year}</h2>\n'
        '<p class="noot-tekst">Verschil = realisatie − begroting. Baten en lasten beide positief.</p>\n'
        + "\n".join(rows)
        + "\n</section>"
    )


def _allocation(report: Jaarrekening, d: int) -> str:
    rows = ['<table class="resultaatbestemming"><tbody>']
    rows += [
        _row("regel", a.label, [_amount(a.amount, d, "bedrag")], a.account or "algemene-reserve")
        for a in report.allocation
    ]
    rows.append(_row("eindtotaal", "Resultaat", [_amount(report.statement.result.actual, d, "bedrag")], "resultaat"))
    rows.append("</tbody></table>")
    return (
        '<section class="resultaatbestemming" id="resultaatbestemming">\n<h2>Resultaatbestemming</h2>\n'
        f'<p class="noot-tekst">Het resultaat {report.year} is als volgt verdeeld: wat bij een '
        "bestemmingsfonds hoort (zijn baten min zijn lasten) gaat naar dat fonds, de rest naar de algemene "
        "reserve.</p>\n" + "\n".join(rows) + "\n</section>"
    )


def _notes(report: Jaarrekening) -> str:
    if not report.notes:
        return (
            '<section class="toelichting" id="toelichting">\n<h2>Toelichting</h2>\n'
            "<p>De boeken bevatten geen toelichting bij de regels.</p>\n</section>"
        )
    items = []
    for note in report.notes:
        inner = "".join(f"<li>{escape(item)}</li>" for item in note.items)
        items.append(
            f'<li value="{note.number}" data-rekening="{escape(note.account)}"><strong>'
            f'{escape(note.title)}</strong> <span class="bron">({escape(note.account)})</span>'
            f"<ul>{inner}</ul></li>"
        )
    return (
        '<section class="toelichting" id="toelichting">\n<h2>Toelichting</h2>\n'
        '<p class="noot-tekst">Per regel wat de boeken erover vastleggen: de gegevens van de rekening, de '
        "toelichting bij de begrotingsposten en de besluiten van het bestuur.</p>\n"
        f'<ol class="toelichting">{"".join(items)}</ol>\n</section>'
    )

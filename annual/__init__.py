"""The association's year: the jaarrekening of a closed year and the start of the next.

    annual.books          load a year's two books and refuse them unless they pass bean-check
    annual.balances       balance sheet accounts at year end (queries/balans.bql)
    annual.funds          earmarked funds for the balance sheet, from the fund model plugins/funds.py
    annual.model          the jaarrekening as data: balans, staat van baten en lasten, resultaatbestemming, toelichting
    annual.html           the jaarrekening as HTML (one renderer for the file, the PDF and the Fava page)
    annual.pdf            HTML -> PDF with headless Chromium
    annual.jaarrekening   `python -m annual.jaarrekening` (make jaarrekening)
    annual.opening        the next year's books as text: draft budget, opening balances
    annual.new_year       `python -m annual.new_year` (make nieuw-jaar)
"""

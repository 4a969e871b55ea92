"""bench/fava_page.py runs and reports both pages; it is a measurement, so nothing here is timed."""

from bench.fava_page import measure_page


def test_measure_page_reports_both_pages(books):
    result = measure_page(books[1], rounds=1)
    for key in ("page_seconds", "income_statement_seconds", "page_warm_seconds", "income_statement_warm_seconds"):
        assert result[key] > 0
    assert result["ratio"] == result["page_seconds"] / result["income_statement_seconds"]
    assert len(result["samples"]["page"]) == 1

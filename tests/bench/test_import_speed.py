"""The import benchmark runs: a small book, a small import, its figures reported (not a timed test)."""

from bench import generate, import_speed


def test_the_import_benchmark_measures_a_small_import(tmp_path):
    book = generate.ensure_book(1000, root=tmp_path / "books", seed=7)
    result = import_speed.measure_import(book, 300, tmp_path, rounds=1)
    assert "problem" not in result, result
    assert result["entries"] == 300 and result["files"] == 1
    assert result["seconds"] > result["book_seconds"] > 0
    assert result["entries_per_second"] > 0 and result["peak_ratio"] >= 1
    assert "| 1," in import_speed.table([result])

"""The import benchmark runs: a small book, a small import, its figures reported (not a timed test)."""

from bench import generate, import_speed


def test_the_import_benchmark_measures_a_small_import(tmp_path):
    book = generate.ensure_book(1000, root=tmp_path / "books", seed=7)
    result = import_speed.measure_import(book, 300, tmp_path, rounds=1)
    assert "problem" not in result, result
    assert result["entries"] == 300 and result["files"] == 1
    assert result["seconds"] > result["book_seconds"] > 0
    assert result["entries_per_second"] > 0 and result["peak_ratio"] >= 1
    # the work beyond the load, measured inside the import process: more than nothing, less than the whole
    assert 0 < result["beyond_load_seconds"] < result["seconds"]
    assert result["entries_per_second_beyond_load"] > result["entries_per_second"]
    assert "| 1," in import_speed.table([result])


def test_the_import_reports_the_cpu_of_its_own_book_load_apart():
    assert import_speed._own_cpu("3 new transactions\nimport-cpu: 4.5 3.25\n") == (4.5, 3.25)
    assert import_speed._own_cpu("error: x.xml: not a statement\n") is None

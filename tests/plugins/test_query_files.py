"""plugins.query_files: every .bql file of the configured folder becomes a named query."""

import textwrap

from beancount import loader
from beancount.core import data

LEDGER = textwrap.dedent("""
    plugin "plugins.query_files" "{config}"

    2022-01-01 open Assets:Kas EUR
    2022-01-01 open Income:Contributie EUR

    2022-01-01 * "contributie"
      Income:Contributie  -24 EUR
      Assets:Kas           24 EUR
""")


def load(tmp_path, config):
    book = tmp_path / "boek.beancount"
    book.write_text(LEDGER.format(config=config))
    return loader.load_file(str(book))


def test_each_bql_file_becomes_a_query_named_after_the_file(tmp_path):
    (tmp_path / "vragen").mkdir()
    (tmp_path / "vragen" / "saldo.bql").write_text("SELECT /* saldo */ sum(position)\n")
    (tmp_path / "vragen" / "notities.txt").write_text("geen vraag")
    entries, errors, _ = load(tmp_path, "{'directory': 'vragen'}")
    assert errors == []
    queries = [e for e in entries if isinstance(e, data.Query)]
    assert [(q.name, q.query_string) for q in queries] == [("saldo", "SELECT /* saldo */ sum(position)")]
    assert queries[0].meta["filename"] == str(tmp_path / "vragen" / "saldo.bql")


def test_missing_folder_is_an_error_and_keeps_every_entry(tmp_path):
    entries, errors, _ = load(tmp_path, "{'directory': 'bestaat-niet'}")
    assert [e.message for e in errors] == [f"query folder does not exist: {tmp_path / 'bestaat-niet'}"]
    assert sum(isinstance(e, data.Transaction) for e in entries) == 1
    assert sum(isinstance(e, data.Open) for e in entries) == 2


def test_unknown_option_is_an_error_not_a_traceback(tmp_path):
    entries, errors, _ = load(tmp_path, "{'map': 'vragen'}")
    assert [e.message for e in errors] == [
        "plugins.query_files: unknown option 'map'; known options: directory"]
    assert sum(isinstance(e, data.Transaction) for e in entries) == 1


def test_config_that_is_not_a_literal_is_an_error(tmp_path):
    _, errors, _ = load(tmp_path, "{'directory': os.getcwd()}")
    assert len(errors) == 1
    assert errors[0].message.startswith("plugins.query_files: configuration is not a Python literal")


def test_name_longer_than_fava_sidebar_allows_is_an_error(tmp_path):
    (tmp_path / "vragen").mkdir()
    long_name = "een-veel-te-lange-vraagnaam"
    (tmp_path / "vragen" / f"{long_name}.bql").write_text("SELECT 1")
    entries, errors, _ = load(tmp_path, "{'directory': 'vragen'}")
    assert [e.message for e in errors] == [f"query name {long_name!r} is longer than 24 characters"]
    assert not any(isinstance(e, data.Query) for e in entries)

"""The Fava page tests' fixtures, found by pytest here so that the test modules take them as parameters
without importing them (an imported fixture shadowed by the parameter of the same name is a lint finding)."""

from fava_books import board_url, books, browser, page

__all__ = ["board_url", "books", "browser", "page"]

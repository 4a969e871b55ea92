"""Book files on disk: loading a book (`books.loader`) and writing one whole (`books.write`).

The lowest floor of the project: plugins, reports, importers and the Fava pages all
use it; it uses none of them.
"""

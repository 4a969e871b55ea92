"""The kascommissie's pack (`make kascontrole`): what the auditors check, as text and CSV.

pack.py gathers the sections from the book (queries in queries/ and the shared models);
write.py renders them; __main__.py is the command line.
"""

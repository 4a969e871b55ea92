"""The camt.053 reader streams: the XML it holds while reading does not grow with the file.

Measured in a fresh process per reading: the peak resident memory during the read
against the memory still held after it (the entries read, once freed memory is handed
back to the system with malloc_trim). The difference is what the reading held for a
while and let go: for a whole-tree parse that is the tree, which grows with the file;
for the streaming reader one entry's elements at a time. The same measurement of a
whole-tree parse shows that it would see a reader that held the tree.
"""

import subprocess
import sys

import pytest

from bench import camt
from bankhelpers import REPO

IBAN = "NL91ABNA0417164300"

MEASURE = """
import ctypes, gc, sys
from lxml import etree
from importers.camt053 import Camt053Importer

def resident(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])

libc = ctypes.CDLL("libc.so.6")
how, filename = sys.argv[1], sys.argv[2]
gc.collect()
libc.malloc_trim(0)
with open(filename, "rb") as file:
    if how == "reader":
        held = Camt053Importer(None, None).parse(filename)
    else:
        held = etree.parse(file)
        del held
libc.malloc_trim(0)
print(resident("VmHWM") - resident("VmRSS"))
"""


def transient_kib(how: str, filename) -> int:
    """KiB that reading `filename` held at its peak beyond what it still holds afterwards."""
    result = subprocess.run([sys.executable, "-c", MEASURE, how, str(filename)], cwd=REPO,
                            capture_output=True, text=True, timeout=300, check=True)
    return int(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's malloc_trim")
def test_the_camt053_reader_holds_no_more_xml_for_a_file_ten_times_the_size(tmp_path):
    small = camt.write_statement(tmp_path / "2k.xml", 2_000, IBAN)
    large = camt.write_statement(tmp_path / "20k.xml", 20_000, IBAN)
    tree_small, tree_large = transient_kib("tree", small), transient_kib("tree", large)
    reader_small, reader_large = transient_kib("reader", small), transient_kib("reader", large)
    # The measurement sees a whole tree: it grows with the file.
    assert tree_large > 5 * tree_small, (tree_small, tree_large)
    # The reader of a file ten times the size holds less than the small file's tree, and a
    # small part of the large file's tree (the rest is the list of entries it returns growing).
    assert reader_large < tree_small, (reader_large, tree_small)
    assert reader_large < tree_large / 20, (reader_large, tree_large)
    assert reader_large < 4 * 1024, (reader_small, reader_large)

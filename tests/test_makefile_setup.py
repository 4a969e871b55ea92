"""The Makefile's one recipe for what a target needs from Debian (ensure_deb): nothing happens when the
check passes; when the package cannot be installed, the target fails with the apt-get line to run
as root. (Installing for real is what `make test` does on a bare machine, and CI runs that path.)"""

import os
import shutil
import subprocess

import pytest

from seed_data import REPO


def probe(check: str, cwd, as_nobody: bool = False) -> subprocess.CompletedProcess:
    """`make probe`, a target that only calls ensure_deb for a package that does not exist."""
    command = ["make", "-s", "-f", str(REPO / "Makefile"), "--eval",
               f"probe: ; @$(call ensure_deb,no-such-package-werkvereniging,{check})", "probe"]
    if as_nobody:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_nothing_is_installed_when_the_check_passes(tmp_path):
    result = probe("true", tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root to run the probe as a user who may not use apt-get")
def test_a_package_that_cannot_be_installed_stops_the_target_with_the_line_to_run(tmp_path):
    tmp_path.chmod(0o777)
    result = probe("false", tmp_path, as_nobody=True)
    assert result.returncode != 0
    assert "make probe: installing Debian's no-such-package-werkvereniging" in result.stderr
    assert ("make probe: could not install no-such-package-werkvereniging; "
            "as root run: apt-get install no-such-package-werkvereniging") in result.stderr

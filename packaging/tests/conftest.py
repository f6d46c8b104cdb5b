"""The built bundle and .deb under test: FIELDCHECK_PACKAGE_DIR names build-linux.sh's OUTDIR.

These tests run from packaging/test-linux.sh (called by .ci/run) after the build; without the
variable they fail rather than skip, so a missing build is never mistaken for a pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def package_dir() -> Path:
    value = os.environ.get("FIELDCHECK_PACKAGE_DIR")
    if not value:
        pytest.fail("FIELDCHECK_PACKAGE_DIR is not set: run packaging/test-linux.sh")
    return Path(value)


@pytest.fixture(scope="session")
def bundle(package_dir: Path) -> Path:
    exe = package_dir / "fieldcheck" / "fieldcheck"
    assert exe.is_file(), f"no bundle at {exe}"
    return exe


@pytest.fixture(scope="session")
def deb(package_dir: Path) -> Path:
    (found,) = package_dir.glob("fieldcheck_*_*.deb")
    return found


class Frozen:
    """Runs the bundle as a person's shell would, with nothing of Python on PATH."""

    def __init__(self, exe: Path, home: Path) -> None:
        self.bin = home / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        link = self.bin / "fieldcheck"
        if not link.exists():
            link.symlink_to(exe)
        self.home = home
        self.env = {"PATH": str(self.bin), "HOME": str(home), "LANG": "C.UTF-8",
                    "FIELDCHECK_LANG": "zh", "TMPDIR": str(home)}
        assert shutil.which("python3", path=self.env["PATH"]) is None
        assert shutil.which("python", path=self.env["PATH"]) is None

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["fieldcheck", *args], env={**self.env, **env}, cwd=self.home,
                              capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def frozen(bundle: Path, tmp_path: Path) -> Iterator[Frozen]:
    yield Frozen(bundle, tmp_path / "home")


def bundle_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the bundle with its size and mtime: the app must write none of them."""
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in root.rglob("*")}

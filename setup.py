"""Build hook: the top-level resources/ folder goes into the package as fieldcheck/resources.

The metadata lives in pyproject.toml. The source tree keeps resources/ at the top (the
developers edit it there); an editable install reads it from there, a wheel or sdist install
from the copy made here (fieldcheck.paths.resources_dir).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the editable install reads resources/ in place
        source = ROOT / "resources"
        target = Path(self.build_lib) / "fieldcheck" / "resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithResources})

"""Fixtures for the photo tests: a fresh store and a folder of generated JPEGs."""

from __future__ import annotations

from pathlib import Path

import pytest
from photo_samples import MakeJpeg, jpeg_bytes

from fieldcheck.photos import BlobStore


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "store")


@pytest.fixture
def make_jpeg(tmp_path: Path) -> MakeJpeg:
    folder = tmp_path / "card"
    folder.mkdir()

    def make(name: str = "IMG_0001.JPG", **kwargs: object) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(jpeg_bytes(**kwargs))  # type: ignore[arg-type]
        return path

    return make

"""Photo ingest throughput against a naive Pillow pipeline, measured in the same run (DESIGN §10).

Target: a 12-megapixel, ~5 MB JPEG ingested (hash, EXIF, durable original, thumbnail) at
≥ 20 photos/s and ≥ 5 × the naive pipeline (full decode, exif_transpose, resize to display and
thumbnail sizes, save both).

- `photo_ingest`: the batch import's file work (photos/batch.py: staged on every core,
  published one by one) against the naive pipeline run on the same number of threads.
- `photo_ingest_limit`: the same rate against the machine's limit in this run: the 1/8-scale
  draft decode of the same files on all cores and nothing else (the faster of threads and
  processes). Goal ≥ 0.7.
- `photo_ingest_one_core`: the earlier figure, one photo after another pinned to one core.
The all-core figures are medians of three rounds (one with --quick), each round measuring
the limit, the naive pipeline and the import one after another.
A `photo_ingest_detail` line on stderr adds the same import with worker processes instead of
threads, for the choice between them.

The test photos are synthetic but photo-like: luminance detail at several scales plus fine
grain (a natural image's falling spectrum, not white noise, which no camera produces), smooth
chroma, EXIF orientation 6 as a phone held upright writes it, saved at quality 91 to reach
~5 MB. One photo is encoded and copies differ only in their EXIF time, so every file has its
own hash while the decoding work stays identical.

    python benchmarks/bench_photo_ingest.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from statistics import median

from PIL import Image, ImageOps
from PIL.TiffImagePlugin import IFDRational

from fieldcheck.errors import PhotoError
from fieldcheck.photos import DISPLAY_SIDE, THUMBNAIL_SIDE, BlobStore, ingest_photo
from fieldcheck.photos.batch import default_workers, ingest_batch
from fieldcheck.photos.ingest import publish_photo, stage_photo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import one_core, result  # noqa: E402

WIDTH, HEIGHT = 4000, 3000
QUALITY = 91
# Not fork: the parent's I/O threads would not exist in the children (and Qt apps cannot fork).
_SPAWN = multiprocessing.get_context("spawn")
_TIME_PLACEHOLDER = b"2024:05:01 10:00:00"


def run(quick: bool) -> list[dict[str, object]]:
    count = 8 if quick else 40
    rounds = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="fieldcheck-bench-") as tmp:
        folder = Path(tmp)
        photos = _write_photo_copies(folder / "card", count + 1)
        warm_up, timed = photos[0], photos[1:]
        naive_out = folder / "naive"
        naive_out.mkdir()
        # Warm-up: plugin imports and first-touch page faults stay out of every timing.
        _naive_pipeline(warm_up, naive_out)
        ingest_photo(warm_up, BlobStore(folder / "warm"))
        workers = default_workers()
        # All cores: the naive pipeline gets the same worker threads as ours, so the ratio
        # compares the work per photo, as the one-core figure did. The three are measured
        # one after another in each round and the median of the rounds is kept, so a burst
        # of other work on this shared machine moves one round, not one side of a ratio.
        limits, naives, ours_all = [], [], []
        for n in range(rounds):
            limits.append(max(_rate_parallel(_draft_decode, timed, workers),
                              _rate_processes(_draft_decode, timed, workers - 1)))
            naives.append(_rate_parallel(lambda path: _naive_pipeline(path, naive_out), timed, workers))
            ours_all.append(_rate_batch(timed, BlobStore(folder / f"store-{n}"), workers))
        limit, naive, ours = median(limits), median(naives), median(ours_all)
        ours_processes = _rate_processes_staged(timed, BlobStore(folder / "store-processes"), workers - 1)
        with one_core():
            naive_one = _rate(lambda path: _naive_pipeline(path, naive_out), timed)
            store = BlobStore(folder / "store-one-core")
            ours_one = _rate(lambda path: _ingest_new(path, store), timed)
    print(json.dumps({"name": "photo_ingest_detail", "workers": workers, "photos": len(timed),
                      "rounds": {"threads": _rounded(ours_all), "naive": _rounded(naives),
                                 "draft_decode_all_cores": _rounded(limits)},
                      "processes": round(ours_processes, 2)}), file=sys.stderr, flush=True)
    return [
        result("photo_ingest", ours, "photos/s", naive),
        result("photo_ingest_limit", ours, "photos/s", limit),
        result("photo_ingest_one_core", ours_one, "photos/s", naive_one),
    ]


def _rounded(rates: list[float]) -> list[float]:
    return [round(rate, 2) for rate in rates]


def _rate_batch(paths: list[Path], store: BlobStore, workers: int) -> float:
    """What an import does with the files: staged on every core, published one by one."""
    start = time.perf_counter()
    with closing(ingest_batch(paths, store, workers=workers)) as batch:
        for path, staged in batch:
            if isinstance(staged, PhotoError):
                raise staged
            if publish_photo(staged, store).duplicate:
                raise RuntimeError(f"benchmark photos must all differ: {path}")
    return len(paths) / (time.perf_counter() - start)


def _rate_processes_staged(paths: list[Path], store: BlobStore, workers: int) -> float:
    """The same with worker processes instead of threads (for the choice between them)."""
    with ProcessPoolExecutor(workers, mp_context=_SPAWN) as pool:
        list(pool.map(_warm_process, range(workers)))  # started and imported before the clock
        start = time.perf_counter()
        for staged in pool.map(stage_photo, paths, [store] * len(paths)):
            publish_photo(staged, store)
    return len(paths) / (time.perf_counter() - start)


def _warm_process(_n: int) -> None:
    import fieldcheck.photos.ingest  # noqa: F401

    time.sleep(0.3)  # long enough that every process of the pool takes one


def _draft_decode(path: Path) -> None:
    """The floor of the work: the 1/8-scale JPEG decode of the file, nothing else."""
    with Image.open(path) as img:
        img.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        img.load()


def _rate_parallel(step: Callable[[Path], None], paths: list[Path], workers: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(step, paths))
    return len(paths) / (time.perf_counter() - start)


def _rate_processes(step: Callable[[Path], None], paths: list[Path], workers: int) -> float:
    with ProcessPoolExecutor(max(1, workers), mp_context=_SPAWN) as pool:
        list(pool.map(_warm_process, range(workers)))  # started and imported before the clock
        start = time.perf_counter()
        list(pool.map(step, paths))
    return len(paths) / (time.perf_counter() - start)


def _ingest_new(path: Path, store: BlobStore) -> None:
    if ingest_photo(path, store).duplicate:
        raise RuntimeError("benchmark photos must all differ")


def _naive_pipeline(path: Path, out: Path) -> None:
    """What a first version would do: decode everything, then shrink twice."""
    with Image.open(path) as img:
        img.load()
        upright = ImageOps.exif_transpose(img)
        for side, suffix in ((DISPLAY_SIDE, "display"), (THUMBNAIL_SIDE, "thumb")):
            scale = side / max(upright.size)
            size = (round(upright.width * scale), round(upright.height * scale))
            upright.resize(size).save(out / f"{path.stem}-{suffix}.jpg", quality=85)


def _rate(step: Callable[[Path], None], paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        step(path)
    return len(paths) / (time.perf_counter() - start)


def _write_photo_copies(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    jpeg = _encode_photo()
    if jpeg.count(_TIME_PLACEHOLDER) != 1:
        raise RuntimeError("EXIF time placeholder not found exactly once")
    paths = []
    for i in range(count):
        stamp = f"2024:05:01 10:{i // 60:02d}:{i % 60:02d}".encode()
        path = folder / f"IMG_{i:04d}.JPG"
        path.write_bytes(jpeg.replace(_TIME_PLACEHOLDER, stamp))
        paths.append(path)
    return paths


def _encode_photo() -> bytes:
    luma = _octave_noise([(256, 70), (64, 60), (16, 50), (4, 40)], grain=20)
    chroma = [_octave_noise([(256, 40), (32, 20)], grain=0) for _ in range(2)]
    img = Image.merge("YCbCr", (luma, *chroma)).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=QUALITY, exif=_phone_exif())
    return out.getvalue()


def _octave_noise(levels: list[tuple[int, float]], grain: float) -> Image.Image:
    """Gaussian noise at several scales, coarse first, each later one blended in at half weight."""
    layers = [
        Image.effect_noise((max(WIDTH // div, 2), max(HEIGHT // div, 2)), sigma)
        .resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
        for div, sigma in levels
    ]
    if grain:
        layers.append(Image.effect_noise((WIDTH, HEIGHT), grain))
    image = layers[0]
    for layer in layers[1:]:
        image = Image.blend(image, layer, 0.5)
    return image


def _phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif.get_ifd(0x8769)[0x9003] = _TIME_PLACEHOLDER.decode()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (IFDRational(39), IFDRational(54), IFDRational(2730, 100)),
                3: "E", 4: (IFDRational(116), IFDRational(23), IFDRational(3050, 100))})
    return exif


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="8 photos instead of 40")
    args = parser.parse_args(argv)
    for line in run(quick=args.quick):
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

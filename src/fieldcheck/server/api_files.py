"""Routes for file blobs (photo originals, issued notices' PDFs) and document-number leases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from fieldcheck.i18n import tr
from fieldcheck.server.blobs import file_visible
from fieldcheck.server.deps import BlobStoreDep, CurrentDevice, DatabaseDep
from fieldcheck.server.errors import ApiError
from fieldcheck.server.feed import visible_to
from fieldcheck.server.numbers import lease_block
from fieldcheck.sync.protocol import (
    MAX_BLOB_CHUNK,
    MAX_BLOB_SIZE,
    SHA256_PATTERN,
    BlobCheck,
    BlobCheckResponse,
    BlobPutResponse,
    LeaseRequest,
    LeaseResponse,
)

router = APIRouter(prefix="/api/v1")
Sha256 = Annotated[str, Path(pattern=SHA256_PATTERN)]
_RAW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post("/blobs/check", response_model=BlobCheckResponse)
def check_blobs(
    body: BlobCheck, auth: CurrentDevice, database: DatabaseDep, blobs: BlobStoreDep
) -> BlobCheckResponse:
    for sha in body.sha256:
        blobs.path(sha)
    with database.read() as session:
        return BlobCheckResponse(blobs=blobs.states(session, body.sha256))


@router.put("/blobs/{sha256}", response_model=BlobPutResponse, openapi_extra=_RAW_BODY)
async def put_blob(
    sha256: Sha256,
    request: Request,
    auth: CurrentDevice,
    database: DatabaseDep,
    blobs: BlobStoreDep,
    offset: Annotated[int, Query(ge=0, le=MAX_BLOB_SIZE)] = 0,
    size: Annotated[int | None, Query(ge=0, le=MAX_BLOB_SIZE)] = None,
) -> BlobPutResponse:
    """Bytes of one photo original from `offset`; `size` (the whole blob's) lets the server
    refuse a blob whose bytes do not match its hash as soon as they are all there."""
    chunk = await request.body()
    if len(chunk) > MAX_BLOB_CHUNK:
        raise ApiError(413, "too_large", tr("单次上传的数据过大。"))

    def store() -> BlobPutResponse | ApiError:
        with database.write() as session:
            return blobs.put(session, sha256, offset, chunk, size)

    outcome = await run_in_threadpool(store)
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


@router.get("/blobs/{sha256}", response_class=FileResponse)
def get_blob(
    sha256: Sha256, auth: CurrentDevice, database: DatabaseDep, blobs: BlobStoreDep
) -> FileResponse:
    path = blobs.path(sha256)
    with database.read() as session:
        visible = file_visible(session, sha256, visible_to(auth.viewer))
    if not visible or not path.is_file():
        raise ApiError(404, "not_found", tr("服务器上没有这个文件。"))
    return FileResponse(path, media_type="application/octet-stream")


@router.post("/numbers/lease", response_model=LeaseResponse)
def lease_numbers(body: LeaseRequest, auth: CurrentDevice, database: DatabaseDep) -> LeaseResponse:
    with database.write() as session:
        return lease_block(session, auth.device_id, body)

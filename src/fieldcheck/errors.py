"""The error types a person may see. Messages are already translated and say what to do."""

from __future__ import annotations

import errno
from typing import Self

from fieldcheck.i18n import tr


class FieldCheckError(Exception):
    """Base of every error FieldCheck reports to a person rather than as a crash."""

    code = "error"
    gui_advice = ""  # what to click in the app; the command line gives its own advice

    def with_gui_advice(self, advice: str) -> Self:
        self.gui_advice = advice
        return self


class StoreError(FieldCheckError):
    """The local store cannot be opened or written."""

    code = "store"


class ValidationError(FieldCheckError):
    """User input or a domain rule rejected an operation."""

    code = "validation"

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class ReadOnlyError(FieldCheckError):
    """A finished visit or an issued notice cannot be changed."""

    code = "read_only"


class PhotoError(FieldCheckError):
    """A photo was rejected; the message names the file."""

    code = "photo"


class TemplateError(FieldCheckError):
    """A checklist template is malformed; the message names file, item and problem."""

    code = "template"


def os_error_text(exc: OSError) -> str:
    """What an operating-system error means, in the person's language (never Python's
    English "No such file or directory")."""
    texts = {
        errno.ENOENT: tr("文件或文件夹不存在"),
        errno.EACCES: tr("没有访问权限"),
        errno.EPERM: tr("没有访问权限"),
        errno.ENOSPC: tr("磁盘空间已满"),
        errno.EISDIR: tr("这是一个文件夹，不是文件"),
        errno.ENOTDIR: tr("路径中的某一级不是文件夹"),
        errno.EROFS: tr("磁盘是只读的"),
        errno.EEXIST: tr("已存在同名文件"),
        errno.ENAMETOOLONG: tr("文件名过长"),
        errno.EIO: tr("读写磁盘出错（设备可能已拔出或损坏）"),
        errno.EBUSY: tr("文件正被其他程序占用"),
        errno.EMFILE: tr("同时打开的文件过多"),
        errno.ENODEV: tr("设备不可用（可能已拔出）"),
        errno.ENXIO: tr("设备不可用（可能已拔出）"),
        errno.EDQUOT: tr("磁盘配额已用完"),
    }
    if exc.errno in texts:
        return texts[exc.errno]
    code = errno.errorcode.get(exc.errno, "") if exc.errno is not None else ""
    return tr("系统错误 {code}", code=code or exc.errno or type(exc).__name__)

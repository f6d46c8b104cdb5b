"""msvcrt.locking on POSIX, for running FieldCheck's Windows lock branch on Linux.

Same contract as the Windows call: lock or unlock `nbytes` from the file's current position;
LK_NBLCK fails at once with OSError (EACCES) when another process holds the range. Built on
real byte-range locks (fcntl.lockf), which other processes see as Windows' locks would be.
"""

import errno
import fcntl
import os

LK_UNLCK = 0
LK_NBLCK = 2


def locking(fd: int, mode: int, nbytes: int) -> None:
    start = os.lseek(fd, 0, os.SEEK_CUR)
    if mode == LK_NBLCK:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, nbytes, start, os.SEEK_SET)
        except OSError as exc:
            raise PermissionError(errno.EACCES, "Permission denied") from exc
    elif mode == LK_UNLCK:
        fcntl.lockf(fd, fcntl.LOCK_UN, nbytes, start, os.SEEK_SET)
    else:
        raise ValueError(f"mode {mode} is not used by FieldCheck")

"""The background sync: when it runs, what it found, and what the indicator should say.

Sync runs through the app's task runner on its general pool (network waits never hold up
the serialised writer). The engine commits each step in its own transaction, so stopping
between steps, or the app ending mid-request, leaves nothing half-written: the next run
resumes where this one stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from fieldcheck.i18n import tr
from fieldcheck.sync.status import Schedule, SyncStatus, sync_due
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.sync import data

DEFAULT_SCHEDULE = Schedule()
POLL_MS = 4000  # how often the indicator re-reads the outbox (a count: well under 1 ms)


@dataclass(frozen=True)
class Indicator:
    """What the status bar says, and what a click on it explains."""

    kind: str  # local / offline / syncing / ok / waiting / error / revoked
    text: str
    detail: str = ""
    done: int = 0
    total: int = 0  # photo uploads (0: no photo progress to show)


def indicator_of(status: SyncStatus | None, running: bool, outcome: data.SyncOutcome | None,
                 photos: tuple[int, int] = (0, 0), server_busy: bool = False) -> Indicator:
    """The one place that decides the indicator's words (pure: tested without a server)."""
    if status is None:
        return Indicator("local", tr("正在读取同步状态…"))
    if not status.enrolled:
        return Indicator("local", tr("仅本机：未登记到服务器"),
                         tr("本机尚未登记到局服务器，所有内容只保存在本机。点击“登记本机…”输入服务器地址、用户名和密码。"))
    if status.revoked or (outcome is not None and outcome.code == "device_revoked"):
        return Indicator("revoked", tr("同步已停止：本机授权已撤销"),
                         tr("管理员已撤销本机的同步授权，同步已停止。未同步的 {n} 项更改仍完整保存在本机；"
                            "请联系管理员，重新登记本机后会继续同步。", n=status.pending))
    waiting = tr("，{n} 项更改待同步", n=status.pending) if status.pending else ""
    if running:
        done, total = photos
        if total:
            return Indicator("syncing", tr("正在同步：上传照片 {done}/{total}", done=done, total=total),
                             done=done, total=total)
        if server_busy:
            return Indicator("syncing", tr("正在同步：服务器繁忙，排队等候…"),
                             tr("服务器同时在处理其他笔记本的同步，本机稍候会自动继续；无需操作，"
                                "本机数据不受影响。"))
        return Indicator("syncing", tr("正在同步…"))
    if outcome is not None and outcome.offline:
        return Indicator("offline", tr("离线") + waiting,
                         outcome.error + "\n\n" + tr("有网络时会自动同步；也可点击“立即同步”。"))
    if outcome is not None and not outcome.ok:
        return Indicator("error", tr("同步出错，点击查看原因") + waiting, outcome.error)
    if status.pending:
        return Indicator("waiting", tr("{n} 项更改待同步", n=status.pending),
                         tr("这些更改已保存在本机，稍后会自动上传到服务器。"))
    if status.last_ok_at is not None:
        at = status.last_ok_at.astimezone().strftime("%H:%M")
        return Indicator("ok", tr("已同步 {time}", time=at),
                         tr("本机与服务器 {url} 一致（{time} 同步）。", url=status.server_url, time=at))
    return Indicator("waiting", tr("尚未同步"), tr("首次同步会在连接到服务器后自动进行。"))


class SyncController(QObject):
    indicator_changed = Signal(object)  # Indicator
    status_changed = Signal(object)  # SyncStatus
    synced = Signal(object)  # data.SyncOutcome, after every attempt

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *,
                 schedule: Schedule = DEFAULT_SCHEDULE, poll_ms: int = POLL_MS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.ctx, self.schedule, self.clock = ctx, schedule, clock
        self.status: SyncStatus | None = None
        self.outcome: data.SyncOutcome | None = None
        self.running = False
        self.automatic = True
        self.photos = (0, 0)
        self.server_busy = False  # the server asked this sync to wait its turn
        self.last_attempt: float | None = None
        self.changed_at: float | None = None
        self._stop = threading.Event()
        self._polling = False
        self._poll_again = False
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)

    @property
    def indicator(self) -> Indicator:
        return indicator_of(self.status, self.running, self.outcome, self.photos, self.server_busy)

    def start(self) -> None:
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        """Re-read the status; start a sync when one is due."""
        if self._stop.is_set():
            return
        if self._polling:  # a read already running may predate what changed: read again after it
            self._poll_again = True
            return
        self._polling = True
        self.ctx.tasks.run(data.read_status, self.ctx.store, owner=self, on_done=self._read,
                           on_error=self._poll_failed)

    def _poll_failed(self, _exc: BaseException) -> None:
        self._polling = self._poll_again = False  # the next poll tries again

    def _read(self, status: SyncStatus) -> None:
        self._polling = False
        if self._poll_again:
            self._poll_again = False
            self.poll()
            return
        if self.status is not None and status.last_change != self.status.last_change:
            self.changed_at = self.clock()
        self.status = status
        self.status_changed.emit(status)
        self._show()
        if not status.enrolled or status.revoked:
            self.timer.stop()  # nothing to watch until (re-)enrolment, which polls again
            return
        if not self.timer.isActive() and not self._stop.is_set():
            self.timer.start()
        if self.automatic and self._may_sync() and sync_due(
                now=self.clock(), last_attempt=self.last_attempt,
                last_failed=self.outcome is not None and not self.outcome.ok,
                changed_at=self.changed_at, has_pending=status.pending > 0, schedule=self.schedule):
            self.sync_now()

    def _may_sync(self) -> bool:
        return (self.status is not None and self.status.enrolled and not self.status.revoked
                and not self.running and not self._stop.is_set())

    def sync_now(self) -> bool:
        """Start a sync in the background (on demand, or when due); False when none can run."""
        if not self._may_sync():
            return False
        self.running = True
        self.photos = (0, 0)
        self.server_busy = False
        self.last_attempt = self.clock()
        self._show()
        self.ctx.tasks.run(data.run_sync, self.ctx.store, self._stop, owner=self,
                           on_done=self._finished, on_error=self._failed, on_progress=self._progress)
        return True

    def _progress(self, done: int, total: int) -> None:
        if done == data.SERVER_BUSY:
            self.server_busy = True
        else:
            self.photos = (done, total)
            self.server_busy = False
        self._show()

    def _finished(self, outcome: data.SyncOutcome) -> None:
        self.running = False
        self.outcome = outcome
        self.synced.emit(outcome)
        self.poll()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, data.SyncStopped):
            return
        self.outcome = data.SyncOutcome(None, str(exc) or exc.__class__.__name__, "failed")
        self.synced.emit(self.outcome)
        self.poll()

    def _show(self) -> None:
        self.indicator_changed.emit(self.indicator)

    def enrolled(self) -> None:
        """A new enrolment: forget the old outcome and sync at once."""
        self.outcome = None
        self.last_attempt = None
        self.poll()

    def shutdown(self) -> None:
        """The app is closing: no new sync starts, and a running one stops at its next step."""
        self._stop.set()
        self.timer.stop()


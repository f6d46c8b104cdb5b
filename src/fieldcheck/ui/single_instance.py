"""One FieldCheck window per data folder.

The first start holds the folder's OS lock (fieldcheck.datadir) and listens on a local socket
named from the folder; a second start that finds the lock taken asks the first, through that
socket, to bring its window forward, and exits. If no window answers (another program holds
the lock, e.g. a command-line import), the second start says so and exits.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

RAISE = b"raise\n"
CONNECT_MS = 1000
STARTING_S = 5.0  # how long a second start waits for a first one still starting


def server_name(data_dir: Path) -> str:
    """The same name for the same folder and user, short enough for a Unix socket path."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    key = f"{user}\0{data_dir.resolve()}".encode()
    return "fieldcheck-" + hashlib.sha256(key).hexdigest()[:24]


def ask_running_window(data_dir: Path, patience_s: float = STARTING_S) -> bool:
    """Ask the window that holds data_dir to come forward; True when it answered. A window
    still starting listens only once its first page is shown (ui/app.py): it is asked again
    until `patience_s` has passed."""
    deadline = time.monotonic() + patience_s
    while True:
        socket = QLocalSocket()
        socket.connectToServer(server_name(data_dir))
        if socket.waitForConnected(CONNECT_MS):
            socket.write(RAISE)
            socket.waitForBytesWritten(CONNECT_MS)
            answered = socket.waitForReadyRead(CONNECT_MS) and socket.readAll().data().startswith(b"ok")
            socket.disconnectFromServer()
            return answered
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


class WindowBeacon(QObject):
    """Listens for a second start and brings `window` forward."""

    raised = Signal()

    def __init__(self, data_dir: Path, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.server = QLocalServer(self)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a socket file left by a crash (we hold the lock)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if self.server.listen(name):
            log.info("listening for a second start as %s", name)
        else:
            log.warning("no second-start beacon: %s", self.server.errorString())
        self.server.newConnection.connect(self._connected)

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if socket.readAll().data().startswith(RAISE.strip()):
            socket.write(b"ok\n")
            socket.flush()
            self.bring_forward()

    def bring_forward(self) -> None:
        log.info("a second start asked for this window: brought forward")
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        self.raised.emit()

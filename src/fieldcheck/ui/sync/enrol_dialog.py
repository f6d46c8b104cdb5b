"""登记本机: the server address, user name and password; what went wrong, said plainly; on
success, who the laptop now belongs to. The password is sent once and never stored."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.style import ACCENT, MUTED, NAVY
from fieldcheck.ui.common.widgets import button, card, label
from fieldcheck.ui.sync import data

# What the person can do about each failure (the message itself says what happened).
ADVICE = {
    "unreachable": "请确认服务器地址和端口无误、本机已连上网络（局域网或 VPN），然后重试。",
    "timeout": "服务器暂时没有响应：稍后重试，或联系管理员确认服务器在运行。",
    "certificate": "不要继续连接：请向管理员核实服务器地址；地址无误时，请管理员检查服务器证书。",
    "unauthorized": "请检查用户名和密码（区分大小写）；忘记密码请联系管理员重设。",
    "device_revoked": "本机已被管理员撤销登记：请联系管理员恢复后再登记。",
    "upgrade_required": "请先安装新版 FieldCheck 再登记；本机的数据不受影响。",
    "rate_limited": "为防止猜测密码，登录暂被限制：请 5 分钟后再试。",
    "insecure": "请使用 https 地址；只有在确知网络可信时，才勾选“允许不加密的连接”。",
    "bad_url": "服务器地址应形如 https://server.example.cn 或 http://127.0.0.1:8700。",
}


class EnrolDialog(QDialog):
    enrolled = Signal(object)  # data.Enrolled

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, server_url: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("登记本机"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(label(tr("登记本机"), "pageTitle"))
        layout.addWidget(label(tr("登记后，本机的检查记录会与局服务器同步，并从服务器领取文号。"
                                  "不登记也可以照常离线工作。密码只用于这一次登记，不会保存在本机。"),
                               "help", wrap=True))
        frame = card()
        form = QFormLayout(frame)
        form.setContentsMargins(14, 12, 14, 12)
        self.url = QLineEdit(server_url)
        self.url.setPlaceholderText("https://server.example.cn")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.insecure = QCheckBox(tr("允许不加密的连接（http，仅限可信网络）"))
        form.addRow(tr("服务器地址"), self.url)
        form.addRow(tr("用户名"), self.user)
        form.addRow(tr("密码"), self.password)
        form.addRow("", self.insecure)
        layout.addWidget(frame)
        self.message = label("", "fieldError", wrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)
        self.advice = label("", "help", wrap=True)
        self.advice.hide()
        layout.addWidget(self.advice)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel = button(tr("取消"))
        self.cancel.clicked.connect(self.reject)
        self.ok = button(tr("登记"), "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        row.addWidget(self.cancel)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self.done_user: data.Enrolled | None = None
        self.failure_code = ""

    def submit(self) -> None:
        if self.done_user is not None:
            self.accept()
            return
        missing = [name for name, edit in ((tr("服务器地址"), self.url), (tr("用户名"), self.user),
                                           (tr("密码"), self.password)) if not edit.text().strip()]
        if missing:
            self._say(tr("请填写：{fields}", fields="、".join(missing)), "")
            return
        self.ok.setEnabled(False)
        self._say(tr("正在连接服务器…"), "", error=False)
        self.ctx.tasks.run(data.enroll_laptop, self.ctx.store, self.url.text(), self.user.text(),
                           self.password.text(), self.insecure.isChecked(), owner=self,
                           on_done=self._enrolled, on_error=self._failed)

    def _say(self, text: str, advice: str, *, error: bool = True) -> None:
        self.message.setStyleSheet(f"color: {ACCENT}; font-weight: 600;" if error else f"color: {MUTED};")
        self.message.setText(text)
        self.message.show()
        self.advice.setText(advice)
        self.advice.setVisible(bool(advice))

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.password.clear()
        from fieldcheck.sync.transport import SyncError  # loaded by the enrolment that failed

        code = exc.code if isinstance(exc, SyncError) else ""
        self.failure_code = code
        advice = tr(ADVICE[code]) if code in ADVICE else tr("本机的数据不受影响，可以稍后再试。")
        self._say(str(exc), advice)
        if code in ("unauthorized",):
            self.password.setFocus()

    def _enrolled(self, who: data.Enrolled) -> None:
        self.done_user = who
        self.password.clear()
        for edit in (self.url, self.user, self.password):
            edit.setEnabled(False)
        self.insecure.setEnabled(False)
        team = who.team or tr("未分组")
        self._say(tr("本机已登记给：{name}（{username}，{role}，{team}）", name=who.name,
                     username=who.username, role=data.role_name(who.role), team=team),
                  tr("服务器：{url}。本机原有的记录都已保留，马上开始第一次同步。", url=who.server_url),
                  error=False)
        self.message.setStyleSheet(f"color: {NAVY}; font-weight: 600; font-size: 11.5pt;")
        self.ok.setText(tr("完成"))
        self.ok.setEnabled(True)
        self.cancel.hide()
        self.enrolled.emit(who)


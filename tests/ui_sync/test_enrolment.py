"""登记本机 against a real server on loopback: success says who the laptop belongs to; each
failure is said plainly with what to do; an unenrolled laptop keeps working."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sync_app_helpers import PASSWORD, Laptop, ServerProcess, free_port

from fieldcheck.domain.people import add_unit
from fieldcheck.sync.status import read_status
from fieldcheck.ui.sync.enrol_dialog import EnrolDialog


def _enrol(qtbot: QtBot, laptop: Laptop, url: str, user: str, password: str) -> EnrolDialog:
    dialog = EnrolDialog(laptop.ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.url.setText(url)
    dialog.user.setText(user)
    dialog.password.setText(password)
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=30_000)
    return dialog


def test_enrolment_shows_who_the_laptop_now_belongs_to(qtbot: QtBot, make_laptop: Any,
                                                       server: ServerProcess) -> None:
    laptop = make_laptop(enrolled=False, name="王建国")
    with laptop.store.write() as s:  # work done before enrolment is kept
        add_unit(s, "市政务服务中心", "service_window")
    dialog = _enrol(qtbot, laptop, server.url, laptop.username, PASSWORD)
    assert dialog.done_user is not None
    assert dialog.message.text() == f"本机已登记给：王建国（{laptop.username}，检查员，一组）"
    assert dialog.ok.text() == "完成" and not dialog.password.text()
    with laptop.store.read() as s:
        status = read_status(s)
    assert status.enrolled and status.server_url == server.url and status.role == "inspector"
    assert status.pending >= 1
    stored = b"".join(p.read_bytes() for p in Path(laptop.store.data_dir).rglob("*") if p.is_file())
    assert PASSWORD.encode() not in stored  # the password is never kept
    dialog.ok.click()
    assert dialog.result() == dialog.DialogCode.Accepted


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    srv = ServerProcess(folder / "server", cert=(cert, key))
    srv.start()
    yield srv
    srv.stop()


def test_wrong_password_is_said_plainly(qtbot: QtBot, make_laptop: Any, server: ServerProcess) -> None:
    laptop = make_laptop(enrolled=False)
    dialog = _enrol(qtbot, laptop, server.url, laptop.username, "not the password")
    assert dialog.failure_code == "unauthorized"
    assert "用户名或密码不正确" in dialog.message.text() and "联系管理员重设" in dialog.advice.text()
    _still_local(laptop)


def test_unreachable_server_is_said_plainly(qtbot: QtBot, make_laptop: Any) -> None:
    laptop = make_laptop(enrolled=False)
    dialog = _enrol(qtbot, laptop, f"http://127.0.0.1:{free_port()}", laptop.username, PASSWORD)
    assert dialog.failure_code == "unreachable"
    assert "无法连接服务器" in dialog.message.text() and "端口" in dialog.advice.text()
    _still_local(laptop)


def test_revoked_laptop_is_said_plainly(qtbot: QtBot, make_laptop: Any, server: ServerProcess) -> None:
    laptop = make_laptop()
    server.revoke(laptop.store.identity().device_id)
    dialog = _enrol(qtbot, laptop, server.url, laptop.username, PASSWORD)
    assert dialog.failure_code == "device_revoked"
    assert "撤销" in dialog.message.text() and "联系管理员" in dialog.advice.text()


def test_untrusted_certificate_is_said_plainly(qtbot: QtBot, make_laptop: Any, tls_server: Any) -> None:
    laptop = make_laptop(enrolled=False)
    dialog = _enrol(qtbot, laptop, tls_server.url, laptop.username, PASSWORD)
    assert dialog.failure_code == "certificate"
    assert "证书无法验证" in dialog.message.text() and "不要继续连接" in dialog.advice.text()
    _still_local(laptop)


def test_old_app_version_is_said_plainly(qtbot: QtBot, make_laptop: Any, server: ServerProcess,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    laptop = make_laptop(enrolled=False)
    monkeypatch.setattr("fieldcheck.sync.transport.SCHEMA_VERSION", 0)  # speaks an older protocol
    dialog = _enrol(qtbot, laptop, server.url, laptop.username, PASSWORD)
    assert dialog.failure_code == "upgrade_required"
    assert "更新版本" in dialog.message.text() and "安装新版" in dialog.advice.text()
    _still_local(laptop)


def test_clear_text_to_another_machine_is_refused_before_sending(qtbot: QtBot, make_laptop: Any) -> None:
    laptop = make_laptop(enrolled=False)
    dialog = _enrol(qtbot, laptop, "http://192.0.2.1:8700", laptop.username, PASSWORD)
    assert dialog.failure_code == "insecure" and "https" in dialog.advice.text()
    dialog = _enrol(qtbot, laptop, "", laptop.username, PASSWORD)
    assert dialog.message.text().startswith("请填写：服务器地址")


def _still_local(laptop: Laptop) -> None:
    with laptop.store.read() as s:
        assert not read_status(s).enrolled
    with laptop.store.write() as s:  # an unenrolled laptop keeps working
        add_unit(s, "市行政审批局", "department")

"""`fieldcheck enroll`, `sync` and `conflicts` as a person types them: results on stdout, a
reason on stderr and a non-zero exit when something is wrong, and nothing sent in clear text
to another machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sync_helpers import Laptop, start_visit

from fieldcheck.cli import main
from fieldcheck.domain import visits
from fieldcheck.sync.transport import SyncError, check_url


def test_plain_http_goes_only_to_this_machine() -> None:
    assert check_url("http://127.0.0.1:8700/") == "http://127.0.0.1:8700"
    assert check_url("http://localhost:8700") == "http://localhost:8700"
    assert check_url("https://server.example.cn") == "https://server.example.cn"
    with pytest.raises(SyncError) as raised:
        check_url("http://server.example.cn")
    assert raised.value.code == "insecure" and "https" in str(raised.value)
    assert check_url("http://server.example.cn", insecure=True) == "http://server.example.cn"
    with pytest.raises(SyncError):
        check_url("ftp://server.example.cn")


def test_enroll_refuses_clear_text_to_another_host_before_sending_anything(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDCHECK_PASSWORD", "secret-pass-1")
    code = main(["enroll", "--data-dir", str(tmp_path / "lap"), "--server", "http://server.example.cn",
                 "--user", "wang"])
    out, err = capsys.readouterr()
    assert code != 0 and out == "" and "--insecure" in err


def test_sync_on_a_laptop_never_enrolled_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["whoami", "--data-dir", str(tmp_path), "--name", "王建国", "--credential", "1"])
    capsys.readouterr()
    code = main(["sync", "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code != 0 and "fieldcheck enroll" in err and out == ""


def test_conflicts_lists_both_values_who_and_when(make_laptop, capsys: pytest.CaptureFixture[str]) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    a.sync()
    b.sync()
    for laptop, place in ((a, "二楼"), (b, "三楼")):
        with laptop.store.write() as s:
            visits.update_visit_details(s, visit_id, place=place)
        laptop.sync()
    capsys.readouterr()
    assert main(["conflicts", "--data-dir", str(b.store.data_dir), "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["entity"] == "visit" and row["entity_id"] == visit_id and row["field"] == "place"
    assert (row["kept_value"], row["kept_by"]) == ("二楼", "王建国")
    assert (row["other_value"], row["other_by"]) == ("三楼", "李红")
    assert row["kept_at"] and row["other_at"]
    assert main(["conflicts", "--data-dir", str(b.store.data_dir)]) == 0
    text = capsys.readouterr().out
    assert "place" in text and "二楼" in text and "三楼" in text and "李红" in text

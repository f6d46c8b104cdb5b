"""The bureau's notice settings: issuer, 机关代字 per type, seal, contact line, fonts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldcheck.errors import ValidationError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.notices import NoticeSettings, NoticeType
from fieldcheck.paths import resources_dir

FILE_NAME = "notice_settings.json"


@dataclass
class BureauSettings:
    """NoticeSettings plus what the issuing workflow needs (reply period, copies to print)."""

    notice: NoticeSettings
    reply_days: int = 15
    copies: int = 2
    demo: bool = False  # a demonstration store: the fictional issuer may print numbers

    def unconfigured(self, kind: NoticeType) -> list[str]:
        """What still stands at the shipped placeholder (the fictional 清河市监察局 and its
        代字) for issuing `kind`; a real store issues no numbered notice under them."""
        if self.demo:
            return []
        shipped = placeholder_settings()
        problems = []
        name = self.notice.issuer_name.strip()
        if not name or name == shipped.issuer_name:
            problems.append(tr("文书设置中的发文机关还是示例“{name}”。请在“文书设置”中填写本机关的"
                               "名称后再签发。", name=name or shipped.issuer_name))
        elif self.notice.issuer_mark.strip() == shipped.issuer_mark:
            problems.append(tr("发文机关标志（红头）还是示例“{mark}”。请在“文书设置”中改为本机关的"
                               "标志或留空后再签发。", mark=shipped.issuer_mark))
        prefix = self.notice.prefixes.get(kind, "").strip()
        if prefix and prefix == shipped.prefixes.get(kind, ""):
            problems.append(tr("机关代字还是示例“{prefix}”。请在“文书设置”中填写本机关的机关代字后"
                               "再签发。", prefix=prefix))
        return problems


def _defaults() -> dict[str, Any]:
    with (resources_dir() / "bureau.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    data.pop("_comment", None)
    return data


def placeholder_settings() -> NoticeSettings:
    """The shipped example issuer (resources/bureau.json): for demonstrations only."""
    return _from_dict(_defaults()).notice


def _from_dict(data: dict[str, Any]) -> BureauSettings:
    try:
        prefixes = {NoticeType(k): str(v) for k, v in (data.get("prefixes") or {}).items()}
        seal = Path(data["seal_png"]) if data.get("seal_png") else None
        fonts = {str(k): Path(v) for k, v in (data.get("font_paths") or {}).items()}
        notice = NoticeSettings(
            issuer_name=str(data["issuer_name"]),
            issuer_mark=str(data.get("issuer_mark") or ""),
            prefixes=prefixes,
            seal_png=seal,
            contact_line=data.get("contact_line"),
            font_paths=fonts,
            verify_url_base=data.get("verify_url_base"),
        )
        return BureauSettings(notice, int(data.get("reply_days", 15)), int(data.get("copies", 2)),
                              bool(data.get("demo", False)))
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(tr("文书设置文件有误：{error}", error=exc)) from exc


def load_settings(data_dir: Path) -> BureauSettings:
    data = _defaults()
    path = data_dir / FILE_NAME
    if path.exists():
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise ValidationError(tr("文书设置文件 {path} 不是有效的 JSON：{error}", path=path,
                                     error=exc if not isinstance(exc, RecursionError)
                                     else tr("嵌套层数过多"))) from exc
        except OSError as exc:
            raise ValidationError(tr("无法读取文书设置文件 {path}：{reason}", path=path,
                                     reason=os_error_text(exc))) from exc
        if not isinstance(saved, dict):
            raise ValidationError(tr("文书设置文件 {path} 的内容应是一个 JSON 对象（{{…}}），"
                                     "现在是 {kind}。请在 文书设置… 中重新保存，或删除该文件以恢复默认设置。",
                                     path=path, kind=_json_kind(saved)))
        data.update(saved)
    try:
        return _from_dict(data)
    except ValidationError as exc:
        raise ValidationError(tr("文书设置文件 {path} 有误：{error}", path=path, error=exc)) from exc


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return tr("一个列表（[…]）")
    if isinstance(value, str):
        return tr("一个字符串")
    if value is None:
        return "null"
    return tr("一个数值")


def settings_dict(settings: BureauSettings) -> dict[str, Any]:
    """The settings as stored in the data folder's JSON file."""
    n = settings.notice
    return {
        "issuer_name": n.issuer_name,
        "issuer_mark": n.issuer_mark,
        "prefixes": {str(k): v for k, v in n.prefixes.items()},
        "seal_png": str(n.seal_png) if n.seal_png else None,
        "contact_line": n.contact_line,
        "font_paths": {k: str(v) for k, v in n.font_paths.items()},
        "verify_url_base": n.verify_url_base,
        "reply_days": settings.reply_days,
        "copies": settings.copies,
        "demo": settings.demo,
    }


def save_settings(data_dir: Path, settings: BureauSettings) -> None:
    data = settings_dict(settings)
    _from_dict(data)  # refuse to save what could not be loaded back
    path = data_dir / FILE_NAME
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def mark_demo_store(data_dir: Path) -> None:
    """A demonstration store keeps the fictional issuer and may print numbers under it."""
    settings = load_settings(data_dir)
    if not settings.demo:
        settings.demo = True
        save_settings(data_dir, settings)


def record_settings_saved(session: Any, before: BureauSettings, after: BureauSettings) -> None:
    """Audit a change of the notice settings (issuer, 机关代字, seal, fonts, QR address): they
    decide what every notice prints, so who changed what is on the record."""
    from fieldcheck.domain.changes import audit
    from fieldcheck.domain.people import actor_of
    from fieldcheck.hashing import record_hash

    old, new = settings_dict(before), settings_dict(after)
    changed = {k: {"from": old[k], "to": new[k]} for k in sorted(new) if old.get(k) != new[k]}
    if changed:
        audit(session, actor_of(session), "settings.notice", "settings", "notice_settings",
              changed, state_hash=record_hash(new))

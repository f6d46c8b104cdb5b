"""fieldcheck-server: run the bureau's server, or administer it (`fieldcheck-server admin`)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

from fieldcheck.errors import os_error_text
from fieldcheck.i18n import tr
from fieldcheck.server import admin
from fieldcheck.server.database import Database
from fieldcheck.server.directory import (
    DirectoryError,
    import_units,
    plan_visit,
    publish_template_file,
)
from fieldcheck.server.settings import Settings, zone_of

ADMIN_ACTOR = "cli"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "admin":
        return admin_main(args[1:])
    return serve_main(args)


def serve_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="fieldcheck-server", description=tr("效能监察同步服务器"))
    _add_store_args(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--workers", type=int, default=1, help=tr("工作进程数（多进程需 PostgreSQL）"))
    parser.add_argument("--cert", type=Path, help=tr("TLS 证书文件（PEM）"))
    parser.add_argument("--key", type=Path, help=tr("TLS 私钥文件（PEM）"))
    parser.add_argument("--max-active", type=int, default=Settings.max_active, metavar="N",
                        help=tr("每个工作进程同时处理的同步请求数，其余排队或稍后重试"
                                "（默认按 CPU 核数与工作进程数自动选择）"))
    parser.add_argument("--queue-wait-ms", type=int, default=Settings.queue_wait_ms, metavar="MS",
                        help=tr("同步请求排队的最长时间，超过即请笔记本稍后重试（默认 %(default)s）"))
    _add_time_zone_arg(parser)
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error(tr("--cert 与 --key 需同时提供"))
    if args.max_active < 0 or args.queue_wait_ms < 0 or args.workers < 1:
        parser.error(tr("--max-active、--queue-wait-ms 不能为负，--workers 至少为 1"))
    settings = replace(_settings(parser, args), max_active=args.max_active,
                       queue_wait_ms=args.queue_wait_ms, workers=args.workers,
                       time_zone=args.time_zone)
    if args.workers > 1 and not settings.database_url:
        print(tr("提示：多个工作进程共用内置 SQLite 数据库时写入会排队；生产环境请用 PostgreSQL。"),
              file=sys.stderr)
    import uvicorn

    from fieldcheck.server.app import prepare

    prepare(settings).dispose()
    settings.export_to_env()
    uvicorn.run(
        "fieldcheck.server.app:create_app_from_env", factory=True, host=args.host,
        port=args.port, workers=args.workers,
        ssl_certfile=str(args.cert) if args.cert else None,
        ssl_keyfile=str(args.key) if args.key else None,
        log_level="info",
    )
    return 0


def admin_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="fieldcheck-server admin", description=tr("服务器管理"))
    commands = parser.add_subparsers(dest="command", required=True)
    user = _command(commands, "create-user", tr("新建账号（密码取自 FIELDCHECK_PASSWORD 或提示输入）"))
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=admin.ROLES)
    user.add_argument("--team", default="")
    user.add_argument("--name", default="")
    user.add_argument("--credential", default="", help=tr("检查证号"))
    _command(commands, "list-users", tr("列出账号"))
    team = _command(commands, "create-team", tr("新建检查组"))
    team.add_argument("name")
    _command(commands, "list-devices", tr("列出已登记的设备"))
    revoke = _command(commands, "revoke-device", tr("撤销设备登记"))
    revoke.add_argument("device_id")
    readmit = _command(commands, "readmit-device", tr("允许已撤销的设备重新登记（需用户再次输入密码）"))
    readmit.add_argument("device_id")
    publish = _command(commands, "publish-template", tr("发布检查模板的新版本"))
    publish.add_argument("file", type=Path)
    units = _command(commands, "import-units", tr("导入被检查单位（CSV）"))
    units.add_argument("file", type=Path)
    plan = _command(commands, "plan-visit", tr("为检查组安排检查计划"))
    plan.add_argument("--unit-id", required=True)
    plan.add_argument("--team", required=True)
    plan.add_argument("--kind", default="unannounced",
                      choices=("open", "unannounced", "reinspection", "project"))
    plan.add_argument("--date", required=True, help=tr("计划日期，如 2026-12-01"))
    plan.add_argument("--title", default="")
    plan.add_argument("--template-version-id", default=None)
    plan.add_argument("--confidential", action="store_true", help=tr("暗访：只发给该检查组"))
    _command(commands, "init", tr("初始化数据库并发布内置模板"))
    clashes = _command(commands, "number-clashes",
                       tr("列出文号重复的文书：同一文号印在两份文书上，待以“更正”换发新文号"))
    clashes.add_argument("--open", action="store_true", help=tr("只列出尚未更正的"))
    clashes.add_argument("--format", choices=("text", "json"), default="text")
    report = _command(commands, "report",
                      tr("跟踪问效报表：全部已同步记录的问题、统计、追责提示、逾期清单"))
    _add_report_args(report)
    args = parser.parse_args(argv)
    if args.command == "report":
        _check_report_args(report, args)
    settings = _settings(parser, args)
    from fieldcheck.server.app import prepare

    database = prepare(settings)
    try:
        return _ADMIN[args.command](database, args)
    except DirectoryError as error:
        print(tr("错误：{message}", message=error), file=sys.stderr)
        return 1
    finally:
        database.dispose()


def _command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
             help_text: str) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    _add_store_args(parser)
    return parser


def _add_store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help=tr("数据目录（内置数据库与照片文件）"))
    parser.add_argument("--database-url", default="", help=tr("PostgreSQL 地址，如 postgresql+psycopg://…"))


def _settings(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Settings:
    if args.data_dir is None:
        parser.error(tr("请用 --data-dir 指定数据目录（照片文件保存在其中）"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(args.data_dir, 0o700)
    return Settings(args.data_dir.resolve(), args.database_url)


def _create_user(database: Database, args: argparse.Namespace) -> int:
    password = os.environ.get("FIELDCHECK_PASSWORD") or getpass.getpass(tr("密码："))
    with database.write() as session:
        user = admin.create_user(
            session, ADMIN_ACTOR, username=args.username, password=password, role=args.role,
            team=args.team, name=args.name, credential_no=args.credential,
        )
        print(tr("已创建账号 {username}（{role}，检查组：{team}）", username=user.username, role=user.role,
                 team=user.team or tr("无")))
    return 0


def _list_users(database: Database, args: argparse.Namespace) -> int:
    with database.read() as session:
        for row in admin.list_users(session):
            state = "" if row.active else tr("（已停用）")
            print(f"{row.username}\t{row.name}\t{row.role}\t{row.team}{state}")
    return 0


def _create_team(database: Database, args: argparse.Namespace) -> int:
    with database.write() as session:
        admin.create_team(session, ADMIN_ACTOR, args.name)
    print(tr("已创建检查组 {name}", name=args.name))
    return 0


def _list_devices(database: Database, args: argparse.Namespace) -> int:
    with database.read() as session:
        for row in admin.list_devices(session):
            state = tr("已撤销") if row.revoked_at else tr("有效")
            seen = row.last_seen.isoformat() if row.last_seen else "—"
            continues = "\t" + tr("接续 {device}", device=row.restored_from) if row.restored_from else ""
            print(f"{row.device_id}\t{row.username}\t{row.name}\t{state}\t"
                  + tr("最近同步 {at}", at=seen) + continues)
    return 0


def _revoke_device(database: Database, args: argparse.Namespace) -> int:
    with database.write() as session:
        admin.revoke_device(session, ADMIN_ACTOR, args.device_id)
    print(tr("已撤销设备 {device}", device=args.device_id))
    return 0


def _readmit_device(database: Database, args: argparse.Namespace) -> int:
    with database.write() as session:
        admin.readmit_device(session, ADMIN_ACTOR, args.device_id)
    print(tr("设备 {device} 可以重新登记", device=args.device_id))
    return 0


def _publish_template(database: Database, args: argparse.Namespace) -> int:
    with database.write() as session:
        version_id = publish_template_file(session, args.file)
        admin.record_admin_action(session, ADMIN_ACTOR, "template.publish",
                                  {"file": args.file.name, "id": version_id})
    print(tr("已发布模板版本 {id}", id=version_id))
    return 0


def _import_units(database: Database, args: argparse.Namespace) -> int:
    try:
        with database.write() as session:
            result = import_units(session, args.file)
            admin.record_admin_action(session, ADMIN_ACTOR, "units.import",
                                      {"file": args.file.name, "created": result.created,
                                       "updated": result.updated})
    except (OSError, UnicodeDecodeError) as error:
        raise DirectoryError(tr("无法读取文件：{reason}", reason=error)) from error
    print(tr("已导入单位：新增 {created}，更新 {updated}", created=result.created, updated=result.updated))
    return 0


def _plan_visit(database: Database, args: argparse.Namespace) -> int:
    with database.write() as session:
        visit_id = plan_visit(
            session, unit_id=args.unit_id, team=args.team, kind=args.kind,
            planned_for=args.date, confidential=args.confidential, title=args.title,
            template_version_id=args.template_version_id,
        )
        admin.record_admin_action(session, ADMIN_ACTOR, "visit.plan",
                                  {"id": visit_id, "team": args.team})
    print(tr("已安排检查 {id}", id=visit_id))
    return 0


def _add_report_args(parser: argparse.ArgumentParser) -> None:
    from fieldcheck.domain.reports import REPORT_FORMATS

    parser.add_argument("--from", dest="date_from", required=True, metavar="DATE",
                        help=tr("起始日期，如 2026-10-01"))
    parser.add_argument("--to", dest="date_to", required=True, metavar="DATE",
                        help=tr("截止日期，如 2026-12-31"))
    parser.add_argument("--format", choices=REPORT_FORMATS, default="json")
    parser.add_argument("--out", type=Path, help=tr("输出文件（默认输出到标准输出；xlsx 必须指定）"))
    _add_time_zone_arg(parser)


def _add_time_zone_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-zone", type=_time_zone, default="", metavar="ZONE",
                        help=tr("报表按哪个时区的日历计日期与期限，如 Asia/Shanghai（默认本机时区）"))


def _time_zone(name: str) -> str:
    try:
        zone_of(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(tr("未知的时区：{value}（应写作 Asia/Shanghai 这样的名称）",
                                            value=name)) from None
    return name


def _check_report_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The period and the output, checked before the database is opened."""
    from fieldcheck.domain.reports import PeriodError, report_day, report_period

    try:
        args.date_from, args.date_to = report_period(report_day(args.date_from),
                                                     report_day(args.date_to))
    except PeriodError as error:
        parser.error(str(error))
    if args.format == "xlsx" and args.out is None:
        parser.error(tr("XLSX 报表须用 --out 指定文件。"))


def _report(database: Database, args: argparse.Namespace) -> int:
    from fieldcheck.domain.reports import report_bytes
    from fieldcheck.models.coltypes import utcnow
    from fieldcheck.server.followup import period_report

    with database.read() as session:
        rep = period_report(session, args.date_from, args.date_to, utcnow(), zone_of(args.time_zone))
    data = report_bytes(rep, args.format)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.out.write_bytes(data)
    except OSError as error:
        print(tr("无法写入 {path}：{reason}", path=args.out, reason=os_error_text(error)),
              file=sys.stderr)
        return 1
    print(tr("已保存 {path}", path=args.out))
    return 0


def _init(database: Database, args: argparse.Namespace) -> int:
    print(tr("数据库已就绪，内置模板已发布。"))
    return 0


def _number_clashes(database: Database, args: argparse.Namespace) -> int:
    from fieldcheck.server.clashes import number_clashes

    with database.read() as session:
        clashes = number_clashes(session, open_only=args.open)
    if args.format == "json":
        print(json.dumps([clash.as_json() for clash in clashes], ensure_ascii=False, indent=1))
        return 0
    if not clashes:
        print(tr("没有文号重复的文书。") if not args.open else tr("没有待更正的文号重复。"))
        return 0
    for clash in clashes:
        notice = clash.notice
        print(tr("{number}　{unit}　签发于 {at}（{who}）", number=clash.number, unit=notice.unit or "—",
                 at=_bureau_day(notice.issued_at), who=clash.made_by or "—"))
        if clash.holder is not None:
            print("　　" + tr("文号原属：{unit}　签发于 {at}", unit=clash.holder.unit or "—",
                             at=_bureau_day(clash.holder.issued_at)))
        else:
            print("　　" + tr("文号属于另一台设备领取的号段"))
        if clash.settled and clash.correction is not None:
            print("　　" + tr("已更正为 {number}，原文书已作废", number=clash.correction.number))
        elif clash.settled:
            print("　　" + tr("已作废，未换发新文书"))
        else:
            print("　　" + tr("待更正：请检查人员以新文号重新出具并送达被检查单位"))
    return 0


def _bureau_day(wire: str) -> str:
    from fieldcheck.server.numbers import bureau_day

    try:
        return bureau_day(wire).isoformat()
    except ValueError:
        return wire[:10] or "—"


_ADMIN: dict[str, Callable[[Database, argparse.Namespace], int]] = {
    "create-user": _create_user,
    "list-users": _list_users,
    "create-team": _create_team,
    "list-devices": _list_devices,
    "revoke-device": _revoke_device,
    "readmit-device": _readmit_device,
    "publish-template": _publish_template,
    "import-units": _import_units,
    "plan-visit": _plan_visit,
    "init": _init,
    "report": _report,
    "number-clashes": _number_clashes,
}

if __name__ == "__main__":
    sys.exit(main())

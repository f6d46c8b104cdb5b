"""The one entry point: `fieldcheck` starts the GUI; subcommands do the rest."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from fieldcheck.errors import FieldCheckError
from fieldcheck.i18n import tr
from fieldcheck.paths import default_data_dir


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir(demo=getattr(args, "demo", False))


def cmd_gui(args: argparse.Namespace) -> int:
    from fieldcheck.ui.app import run_app

    return run_app(_data_dir(args), demo=args.demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldcheck.domain.demo import seed_demo
    from fieldcheck.store import open_store

    store = open_store(_data_dir(args))
    with store.write() as s:
        added = seed_demo(s, visits=args.visits, seed=args.seed)
    print(tr("已添加 {n} 条演示检查记录。", n=added), file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from fieldcheck.domain.export import export_records, write_canonical_json
    from fieldcheck.store import open_store

    store = open_store(_data_dir(args))
    with store.read() as s:
        write_canonical_json(export_records(s), sys.stdout)
    return 0


def cmd_import_photos(args: argparse.Namespace) -> int:
    from fieldcheck.domain.evidence import import_photos
    from fieldcheck.store import open_store

    store = open_store(_data_dir(args))
    report = import_photos(store, args.visit, [Path(p) for p in args.paths])
    for name, message in report.rejected:
        print(f"{name}: {message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0


def cmd_whoami(args: argparse.Namespace) -> int:
    from fieldcheck.store import open_store

    store = open_store(_data_dir(args))
    if args.name:
        store.set_identity(args.name, args.credential or "")
    ident = store.identity()
    print(f"{ident.user_name}\t{ident.credential_no}\t{ident.device_id}")
    return 0


def cmd_notice_render(args: argparse.Namespace) -> int:
    from fieldcheck.domain.notice_settings import load_settings
    from fieldcheck.domain.notices import render_draft
    from fieldcheck.store import open_store

    data_dir = _data_dir(args)
    store = open_store(data_dir)
    pdf = render_draft(store, args.notice, load_settings(data_dir))
    Path(args.out).write_bytes(pdf)
    return 0


def cmd_notice_sample(args: argparse.Namespace) -> int:
    from fieldcheck.domain.notice_settings import load_settings
    from fieldcheck.notices import NoticeType, render_notice, sample_content, sample_settings

    # The sample's own issuer by default; a bureau's settings when a data dir is named.
    settings = load_settings(Path(args.data_dir)).notice if args.data_dir else sample_settings()
    pdf = render_notice(sample_content(NoticeType(args.type)), settings)
    Path(args.out).write_bytes(pdf)
    return 0


def _sync_command(name: str) -> object:
    def run(args: argparse.Namespace) -> int:
        from fieldcheck.store import open_store
        from fieldcheck.sync import commands

        store = open_store(_data_dir(args))
        try:
            return int(getattr(commands, name)(args, store))
        finally:
            store.close()

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldcheck", description=tr("效能监察现场检查"))
    parser.add_argument("--data-dir", help=tr("数据目录（默认：系统数据目录，或环境变量 FIELDCHECK_DATA_DIR）"))
    parser.add_argument("--demo", action="store_true", help=tr("使用单独的演示数据库（虚构城市）"))
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(dest="command")

    def data_dir_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", default=argparse.SUPPRESS, help=tr("数据目录"))

    p = sub.add_parser("demo", help=tr("向数据库添加演示数据"))
    data_dir_arg(p)
    p.add_argument("--visits", type=int, default=60)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("export", help=tr("以规范 JSON 导出全部记录"))
    data_dir_arg(p)
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-photos", help=tr("向检查导入照片"))
    data_dir_arg(p)
    p.add_argument("--visit", required=True)
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_import_photos)

    p = sub.add_parser("whoami", help=tr("查看或设置本机使用人"))
    data_dir_arg(p)
    p.add_argument("--name")
    p.add_argument("--credential")
    p.set_defaults(func=cmd_whoami)

    p = sub.add_parser("enroll", help=tr("把本机登记到服务器（领取本机的同步凭据）"))
    data_dir_arg(p)
    p.add_argument("--server", required=True, help=tr("服务器地址，如 https://server.example.cn"))
    p.add_argument("--user", required=True, help=tr("服务器上的用户名（密码从 FIELDCHECK_PASSWORD 或提示输入）"))
    p.add_argument("--insecure", action="store_true", help=tr("允许以不加密的 http 连接非本机地址"))
    p.set_defaults(func=_sync_command("cmd_enroll"))

    p = sub.add_parser("sync", help=tr("与服务器同步：推送本机修改、拉取服务器数据、领取文号段"))
    data_dir_arg(p)
    p.add_argument("--insecure", action="store_true", help=tr("允许以不加密的 http 连接非本机地址"))
    p.set_defaults(func=_sync_command("cmd_sync"))

    p = sub.add_parser("conflicts", help=tr("列出待处理的同步冲突"))
    data_dir_arg(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_sync_command("cmd_conflicts"))

    notice = sub.add_parser("notice", help=tr("文书：渲染、样例"))
    notice_sub = notice.add_subparsers(dest="notice_command", required=True)
    p = notice_sub.add_parser("render", help=tr("把一份文书渲染为 PDF（已签发的输出签发时冻结的 PDF）"))
    data_dir_arg(p)
    p.add_argument("--notice", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_notice_render)
    p = notice_sub.add_parser("sample", help=tr("生成一份样例文书 PDF"))
    p.add_argument("--type", required=True, choices=[
        "record", "rectification", "recommendation", "service", "circular", "accountability"])
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_notice_sample)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FieldCheckError as exc:
        print(tr("错误：{message}", message=exc), file=sys.stderr)
        for problem in getattr(exc, "problems", []):
            print(f"  - {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

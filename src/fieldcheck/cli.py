"""The one entry point: `fieldcheck` starts the GUI; subcommands do the rest.

Results go to stdout, errors to stderr with a non-zero exit (2: the command failed, 3: another
FieldCheck program writes the data folder). A data folder must already hold a store, except
for the commands that create one on purpose: `demo`, `whoami --name`, `enroll`, and the GUI on
its default folder or with --demo. Commands that write hold the data folder's lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fieldcheck.datadir import DataDirBusy, holds_store, writing
from fieldcheck.errors import FieldCheckError, os_error_text
from fieldcheck.i18n import tr
from fieldcheck.paths import default_data_dir

if TYPE_CHECKING:
    import argparse

    from fieldcheck.store import Store

EXIT_FAILED = 2
EXIT_BUSY = 3
# The notice types of `notice sample --type`, the README and the GUI's 新建文书 (in this order).
NOTICE_TYPES = ("record", "rectification", "recommendation", "service", "circular", "accountability")


class CommandError(FieldCheckError):
    """A command line mistake (a wrong folder, a missing option): said in words, exit 2."""


def _data_dir(args: argparse.Namespace | GuiArgs) -> Path:
    return Path(args.data_dir) if args.data_dir else default_data_dir(demo=getattr(args, "demo", False))


def _named(args: argparse.Namespace | GuiArgs) -> bool:
    """The folder was named (--data-dir or FIELDCHECK_DATA_DIR), so a typo must not create one."""
    return bool(args.data_dir or os.environ.get("FIELDCHECK_DATA_DIR"))


def _existing_store(args: argparse.Namespace | GuiArgs) -> Path:
    """The data folder, which must already hold a store (a mistyped path is an error)."""
    data_dir = _data_dir(args)
    if holds_store(data_dir):
        return data_dir
    what = (tr("数据目录 {path} 不存在。", path=data_dir) if not data_dir.exists()
            else tr("{path} 不是 FieldCheck 数据目录（其中没有数据库文件）。", path=data_dir))
    raise CommandError(what + tr("请检查 --data-dir 是否写错。要在这里新建数据目录，请运行："
                                 "fieldcheck whoami --data-dir {path} --name 姓名 --credential 检查证号",
                                 path=data_dir))


def _open_to_write(data_dir: Path) -> Store:
    """Open a store this command holds the lock of, and tidy what an interrupted run left."""
    from fieldcheck.domain.housekeeping import tidy_after_open
    from fieldcheck.store import open_store

    store = open_store(data_dir)
    try:
        tidy_after_open(store)
    except BaseException:
        store.close()
        raise
    return store


def cmd_gui(args: argparse.Namespace | GuiArgs) -> int:
    # A named folder must exist unless the demo creates it; the platform's folder is created.
    data_dir = _data_dir(args) if args.demo or not _named(args) else _existing_store(args)
    from fieldcheck.ui.app import run_app

    return run_app(data_dir, demo=args.demo)


class GuiArgs:
    """The window's own options, read without the command parser (see `gui_args`)."""

    def __init__(self, data_dir: str | None, demo: bool) -> None:
        self.data_dir, self.demo, self.func = data_dir, demo, cmd_gui


def gui_args(argv: Sequence[str]) -> GuiArgs | None:
    """`fieldcheck`, `fieldcheck --demo`, `fieldcheck --data-dir D`: the window starts without
    building the command parser, whose imports (argparse, gettext, locale, shutil, json) and
    subcommands cost about a tenth of a bare Qt window's start. Anything else (a subcommand,
    --help, --version, a repeated or unknown option) is None and goes to `build_parser`, which
    reads these options the same way (tests/test_cli.py compares both)."""
    data_dir: str | None = None
    demo = False
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--demo" and not demo:
            demo = True
        elif word.startswith("--data-dir=") and data_dir is None:
            data_dir = word.partition("=")[2]
        elif word == "--data-dir" and data_dir is None and rest and not rest[0].startswith("-"):
            data_dir = rest.pop(0)
        else:
            return None
    return GuiArgs(data_dir, demo)


MAX_DEMO_VISITS = 1_000_000


def cmd_demo(args: argparse.Namespace) -> int:
    """Creates the store if needed: a demo store is made on purpose, in a folder named on
    purpose (never the platform's real store by default)."""
    from fieldcheck.domain.demo import seed_demo
    from fieldcheck.domain.notice_settings import mark_demo_store

    if not getattr(args, "data_dir", None):
        raise CommandError(tr("demo 需要明确的 --data-dir（演示数据不应写进正式的数据目录）。"
                              "例如：fieldcheck demo --data-dir 演示数据 --visits 60"))
    if not 1 <= args.visits <= MAX_DEMO_VISITS:
        raise CommandError(tr("--visits 应在 1 到 {max} 之间，现在是 {n}。", max=f"{MAX_DEMO_VISITS:,}",
                              n=args.visits))
    data_dir = _data_dir(args)
    with writing(data_dir):
        store = _open_to_write(data_dir)
        mark_demo_store(data_dir)
        with store.write() as s:
            added = seed_demo(s, visits=args.visits, seed=args.seed)
        if args.quarter:
            from fieldcheck.domain.demo_quarter import tell_quarter

            tell_quarter(store)  # the last quarter's follow-up, once per store
        store.close()
    print(tr("已添加 {n} 条演示检查记录（数据目录：{path}）。", n=added, path=data_dir))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Reads only: works on a read-only disk and beside a running app; on a damaged store it
    writes what can still be read and names what could not (exit 1)."""
    from fieldcheck.domain.export import export_readable, to_canonical_json
    from fieldcheck.store import open_for_reading

    store, damaged = open_for_reading(_existing_store(args))
    try:
        with store.read() as s:
            data, unreadable = export_readable(s)
    finally:
        store.close()
    write_stdout(to_canonical_json(data))
    if damaged or unreadable:
        print(tr("注意：数据库已损坏，只导出了仍可读取的记录。"), file=sys.stderr)
        for name in unreadable:
            print(tr("  无法读取：{entity}", entity=name), file=sys.stderr)
        return 1
    return 0


class OutputClosed(CommandError):
    """Whoever reads our output stopped (`| head`): not worth more than a line."""


def write_stdout(text: str) -> None:
    """Write a command's result, saying plainly when stdout is closed, a closed pipe or full."""
    stream = sys.stdout
    if stream is None:
        raise CommandError(tr("标准输出已关闭，结果无处可写。请把输出重定向到文件，例如：> 导出.json"))
    try:
        _write_all(stream, text)
    except BrokenPipeError as exc:
        raise OutputClosed(tr("输出的接收方已提前结束（例如 | head），结果没有完整写出。")) from exc
    except (OSError, ValueError) as exc:
        reason = os_error_text(exc) if isinstance(exc, OSError) else tr("已关闭")
        raise CommandError(tr("无法写入标准输出：{reason}。结果没有完整写出。", reason=reason)) from exc


def cmd_import_photos(args: argparse.Namespace) -> int:
    from fieldcheck.domain.evidence import import_photos

    data_dir = _existing_store(args)
    with writing(data_dir):
        store = _open_to_write(data_dir)
        report = import_photos(store, args.visit, [Path(p) for p in args.paths])
        store.close()
    for name, message in report.rejected:
        print(message if name in message else f"{name}：{message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0


def cmd_whoami(args: argparse.Namespace) -> int:
    """Shows the laptop's user; with --name sets it, creating the store on a new folder."""
    from fieldcheck.store import open_store

    if args.credential and not args.name:
        raise CommandError(tr("设置使用人时请同时给出 --name（姓名）。"))
    if args.name:
        data_dir = _data_dir(args)
        with writing(data_dir):
            store = _open_to_write(data_dir)
            ident = store.set_identity(args.name, args.credential or "")
            store.close()
    else:
        store = open_store(_existing_store(args))
        ident = store.identity()
        store.close()
    unset = tr("（未登记）")
    print(tr("使用人：{name}", name=ident.user_name or unset))
    print(tr("检查证号：{no}", no=ident.credential_no or unset))
    print(tr("本机设备标识：{device}", device=ident.device_id))
    print(tr("数据目录：{path}", path=_data_dir(args)))
    if not ident.user_name:
        print(tr("登记使用人：fieldcheck whoami --data-dir {path} --name 姓名 --credential 检查证号",
                 path=_data_dir(args)), file=sys.stderr)
    return 0


def _write_output(path: Path, pdf: bytes) -> None:
    _write_bytes(path, pdf)


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(tr("无法写入 {path}：{reason}", path=path, reason=os_error_text(exc))) from exc
    print(tr("已保存 {path}", path=path))


def cmd_notice_render(args: argparse.Namespace) -> int:
    from fieldcheck.domain.notice_settings import load_settings
    from fieldcheck.domain.notices import render_draft
    from fieldcheck.store import open_store

    data_dir = _existing_store(args)
    store = open_store(data_dir)
    pdf = render_draft(store, args.notice, load_settings(data_dir))
    store.close()
    _write_output(Path(args.out), pdf)
    return 0


def cmd_notice_sample(args: argparse.Namespace) -> int:
    from fieldcheck.domain.notice_settings import load_settings
    from fieldcheck.notices import NoticeType, render_notice, sample_content, sample_settings

    # The sample's own issuer by default; a bureau's settings when a data dir is named.
    settings = load_settings(_existing_store(args)).notice if args.data_dir else sample_settings()
    pdf = render_notice(sample_content(NoticeType(args.type)), settings)
    _write_output(Path(args.out), pdf)
    return 0


def cmd_about(args: argparse.Namespace) -> int:
    from fieldcheck.about import about_lines, about_report

    report = about_report(_data_dir(args) if getattr(args, "data_dir", None) else None)
    if args.format == "json":
        import json

        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(about_lines(report)))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the store checks out, 1 with the problems on stderr when it does not."""
    from fieldcheck.domain.integrity import verify_store
    from fieldcheck.store.database import StoreOutdated, open_store

    data_dir = _existing_store(args)
    try:  # read-only and unchecked: verify reports SQLite's own check itself, and writes nothing
        store = open_store(data_dir, read_only=True, check=False)
    except StoreOutdated:
        store = open_store(data_dir)
    try:
        problems = verify_store(store, full=not args.quick)
    finally:
        store.close()
    for problem in problems:
        print(problem.message, file=sys.stderr)
    if problems:
        print(tr("发现 {n} 个问题。", n=len(problems)), file=sys.stderr)
        return 1
    print(tr("检查通过：数据库、审计链、记录、照片原件和已签发文书均与记录相符。"))
    return 0


def _sync_command(name: str, *, creates: bool = False, writes: bool = True) -> object:
    """enroll (a new folder becomes a new store), sync (writes) and conflicts (reads)."""

    def run(args: argparse.Namespace) -> int:
        from contextlib import nullcontext

        from fieldcheck.store import open_store
        from fieldcheck.sync import commands

        data_dir = _data_dir(args) if creates else _existing_store(args)
        with writing(data_dir) if writes else nullcontext():
            store = _open_to_write(data_dir) if writes else open_store(data_dir)
            try:
                return int(getattr(commands, name)(args, store))
            finally:
                store.close()

    return run


def build_parser() -> argparse.ArgumentParser:
    import argparse

    class _VersionAction(argparse.Action):
        """`--version`: the version and build (read only when asked)."""

        def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
            super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                             help=str(kwargs.get("help", "")))

        def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                     values: object, option_string: str | None = None) -> None:
            from fieldcheck.buildinfo import version_text

            print(version_text())
            parser.exit()

    parser = argparse.ArgumentParser(prog="fieldcheck", description=tr("效能监察现场检查"))
    parser.add_argument("--data-dir", help=tr("数据目录（默认：系统数据目录，或环境变量 FIELDCHECK_DATA_DIR）"))
    parser.add_argument("--demo", action="store_true", help=tr("使用单独的演示数据库（虚构城市）"))
    parser.add_argument("--version", action=_VersionAction, help=tr("显示版本与构建信息后退出"))
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(dest="command")

    def data_dir_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", default=argparse.SUPPRESS, help=tr("数据目录"))

    p = sub.add_parser("demo", help=tr("向数据库添加演示数据（数据目录不存在时新建）"))
    data_dir_arg(p)
    p.add_argument("--visits", type=int, default=60)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--quarter", action="store_true",
                   help=tr("再按跟踪问效规则演示最近一个季度：整改通知、整改报告、复查、通报（时间戳为当前时间，不可复现）"))
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

    p = sub.add_parser("whoami", help=tr("查看或设置本机使用人（带 --name 时可新建数据目录）"))
    data_dir_arg(p)
    p.add_argument("--name")
    p.add_argument("--credential")
    p.set_defaults(func=cmd_whoami)

    p = sub.add_parser("verify", help=tr("核验数据：数据库文件、审计链、记录、照片原件、已签发文书"))
    data_dir_arg(p)
    p.add_argument("--quick", action="store_true", help=tr("快速核验（照片只查是否存在）"))
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("enroll", help=tr("把本机登记到服务器（领取本机的同步凭据）"))
    data_dir_arg(p)
    p.add_argument("--server", required=True, help=tr("服务器地址，如 https://server.example.cn"))
    p.add_argument("--user", required=True, help=tr("服务器上的用户名（密码从 FIELDCHECK_PASSWORD 或提示输入）"))
    p.add_argument("--insecure", action="store_true", help=tr("允许以不加密的 http 连接非本机地址"))
    p.set_defaults(func=_sync_command("cmd_enroll", creates=True))

    p = sub.add_parser("sync", help=tr("与服务器同步：推送本机修改、拉取服务器数据、领取文号段"))
    data_dir_arg(p)
    p.add_argument("--insecure", action="store_true", help=tr("允许以不加密的 http 连接非本机地址"))
    p.set_defaults(func=_sync_command("cmd_sync"))

    p = sub.add_parser("conflicts", help=tr("列出待处理的同步冲突"))
    data_dir_arg(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_sync_command("cmd_conflicts", writes=False))

    p = sub.add_parser("about", help=tr("本程序的版本、构建，以及资源、字体、Qt 插件与译文的位置"))
    data_dir_arg(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_about)

    notice = sub.add_parser("notice", help=tr("文书：渲染、样例"))
    notice_sub = notice.add_subparsers(dest="notice_command", required=True)
    p = notice_sub.add_parser("render", help=tr("把一份文书渲染为 PDF（已签发的输出签发时冻结的 PDF）"))
    data_dir_arg(p)
    p.add_argument("--notice", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_notice_render)
    p = notice_sub.add_parser("sample", help=tr("生成一份样例文书 PDF"))
    p.add_argument("--type", required=True, choices=NOTICE_TYPES)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_notice_sample)

    from fieldcheck.followup_cli import register as register_followup

    register_followup(sub, data_dir_arg)
    return parser


def _say(line: str) -> None:
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    # Commands report their own problems in words; the log's warnings would only repeat them.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    given = sys.argv[1:] if argv is None else argv
    args = gui_args(given) or build_parser().parse_args(given)
    try:
        return int(args.func(args))
    except DataDirBusy as exc:
        print(tr("错误：{message}", message=exc), file=sys.stderr)
        return EXIT_BUSY
    except FieldCheckError as exc:
        _say(tr("错误：{message}", message=exc))
        for problem in getattr(exc, "problems", []):
            _say(f"  - {problem}")
        return EXIT_FAILED
    except OSError as exc:
        where = tr("{path}：", path=exc.filename) if exc.filename else ""
        print(tr("错误：{where}{reason}", where=where, reason=os_error_text(exc)), file=sys.stderr)
        return EXIT_FAILED
    finally:
        _quiet_stdout_at_exit()


def _write_all(stream: TextIO, text: str) -> None:
    """Every byte or an error: a buffered text stream may report a short write to a pipe
    whose reader left (`| head`) as success and drop the rest without a word."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's StringIO)
        stream.write(text)
        stream.flush()
        return
    stream.flush()
    data = memoryview(text.encode(stream.encoding or "utf-8"))
    while data:
        written = os.write(fd, data[: 1 << 20])
        data = data[written:]


def _quiet_stdout_at_exit() -> None:
    """A closed pipe or full disk on stdout was reported already: the interpreter's own flush
    at exit must not print a second, English complaint."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, ValueError):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


if __name__ == "__main__":
    raise SystemExit(main())

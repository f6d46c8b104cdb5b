"""Reading templates from files and pinned bodies, and writing them back as JSON."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from fieldcheck.errors import os_error_text
from fieldcheck.i18n import tr
from fieldcheck.paths import resources_dir
from fieldcheck.templates.model import Template
from fieldcheck.templates.problems import MalformedTemplateError, ProblemSink, TemplateProblem
from fieldcheck.templates.validate import parse_template

SCHEMA_FILE = "schema.json"  # documentation for template authors, not a template


def shipped_templates_dir() -> Path:
    return resources_dir() / "templates"


def load_template(path: str | Path, categories: Collection[str] | None = None) -> Template:
    """Read, decode and validate one template file; problems name the file by its name."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        problem = tr("无法读取文件：{error}", error=os_error_text(e))
        raise MalformedTemplateError([TemplateProblem(path.name, problem)]) from e
    try:
        # utf-8-sig: Windows Notepad saves UTF-8 with a byte-order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problem = tr("文件不是 UTF-8 编码（第 {offset} 个字节）", offset=e.start + 1)
        raise MalformedTemplateError([TemplateProblem(path.name, problem)]) from e
    return parse_template_text(text, path.name, categories)


def parse_template_text(
    text: str, source_name: str, categories: Collection[str] | None = None
) -> Template:
    """Decode a JSON body (a file's text, or the body a visit pinned) and validate it."""
    return parse_template(decode_json(text, source_name), source_name, categories)


def decode_json(text: str, source_name: str) -> Any:
    """json.loads that reports line and column, duplicate keys and NaN as template problems.

    The standard decoder keeps the last of two equal keys without a word, which would
    silently drop, say, a fail condition written twice.
    """
    sink = ProblemSink(source_name)
    report = sink.at()

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, value in pairs:
            if name in result:
                owner = dict(pairs).get("key")
                report(
                    tr(
                        "对象 {owner} 中字段 {field} 出现了不止一次",
                        owner=owner if isinstance(owner, str) else "?",
                        field=name,
                    )
                )
            result[name] = value
        return result

    def constant_hook(name: str) -> None:
        report(tr("JSON 中不能使用 {name}", name=name))

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=constant_hook)
    except RecursionError:
        report(tr("JSON 嵌套层数过多（检查表模板不会嵌套这么深），文件可能已损坏"))
        data = None
    except json.JSONDecodeError as e:
        report(
            tr(
                "JSON 格式错误（第 {line} 行第 {column} 列）：{reason}",
                line=e.lineno,
                column=e.colno,
                reason=e.msg,
            )
        )
        data = None
    sink.raise_if_any()
    return data


def load_shipped_templates(directory: str | Path | None = None) -> list[Template]:
    """Every template under resources/templates/ (schema.json aside), in file-name order.

    Problems of all files are reported together, as are two files claiming the same key
    and version.
    """
    folder = Path(directory) if directory is not None else shipped_templates_dir()
    templates: list[Template] = []
    problems: list[TemplateProblem] = []
    seen: dict[tuple[str, int], str] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name == SCHEMA_FILE:
            continue
        try:
            template = load_template(path)
        except MalformedTemplateError as e:
            problems.extend(e.details)
            continue
        ident = (template.key, template.version)
        if ident in seen:
            problems.append(
                TemplateProblem(
                    path.name,
                    tr(
                        "模板键 {key} 版本 {version} 与文件 {other} 重复",
                        key=template.key,
                        version=template.version,
                        other=seen[ident],
                    ),
                )
            )
            continue
        seen[ident] = path.name
        templates.append(template)
    if problems:
        raise MalformedTemplateError(problems)
    return templates


def template_to_json(template: Template) -> str:
    """The template's body as UTF-8-friendly, indented JSON; parses back to an equal Template."""
    return json.dumps(template.raw, ensure_ascii=False, indent=2) + "\n"

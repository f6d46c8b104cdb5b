"""The English catalog (resources/i18n/en.json) covers every string that goes through tr().

Qt-free and fast: the sources are found with `ast` (no fieldcheck.ui module is imported), and
the catalog is read as plain JSON. tests/ui/test_translations.py covers the workbench screens
only; this test covers everything under src/fieldcheck: domain, templates, notices, photos,
store, cli and every screen.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

import fieldcheck
from fieldcheck import i18n
from fieldcheck.i18n import tr
from fieldcheck.paths import resources_dir
from fieldcheck.store import Store

SRC = Path(fieldcheck.__file__).parent
CATALOG_PATH = resources_dir() / "i18n" / "en.json"

# Han ideographs, CJK symbols and punctuation (、。「」〔〕　…) and full-width forms (：（），).
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                 r"\uff00-\uffef\U00020000-\U0003134f]")

# Translations that must carry Chinese. A 文号 is written `机关代字〔年份〕序号号` on every
# notice, in whatever language the screens are; the example and the description of the format
# show it as it will be printed, so they keep the 六角括号 〔〕 and 号.
MUST_CARRY_CHINESE = {
    "例：{prefix}〔{year}〕1号",
    "文号为“机关代字〔年份〕序号号”，每类文书分别编号。",
}

# Chinese display names that reach tr() through a variable rather than a literal:
# (module under src/fieldcheck, module-level constant) whose string values are translated.
INDIRECT_CONSTANTS = (
    ("domain/names.py", "KIND_NAMES"),  # ui/common/labels.py
    ("domain/names.py", "STATUS_NAMES"),  # ui/common/labels.py
    ("domain/names.py", "SEVERITY_NAMES"),  # ui/common/labels.py
    ("domain/notices.py", "TYPE_NAMES"),  # ui/notices/data.py, ui/settings/data.py
    ("templates/problems.py", "_EXPECTED"),  # tr(_EXPECTED[kind])
    ("ui/boot.py", "DEMO_USER"),  # tr(DEMO_USER[0]), tr(DEMO_USER[1])
    ("ui/visits/model.py", "COLUMNS"),  # tr(COLUMNS[section])
    ("ui/visits/screen.py", "WEEKDAYS"),  # tr(WEEKDAYS[day.weekday()])
    ("ui/notices/data.py", "STATUS_NAMES"),  # NoticeRow.status_name
    ("ui/notices/data.py", "ROLE_NAMES"),  # SignatureRow, signing dialog
    ("ui/notices/actions.py", "NO_PRINTER"),  # tr(NO_PRINTER)
    ("ui/settings/data.py", "FONT_FACES"),  # tr(face)
    ("domain/people.py", "UNIT_KIND_NAMES"),  # adhoc_form: tr(name)
    ("ui/sync/data.py", "ROLE_NAMES"),  # role_name()
    ("ui/sync/data.py", "ENTITY_NAMES"),  # conflict and rejection rows
    ("ui/sync/data.py", "FIELD_NAMES"),  # conflict and rejection rows
    ("ui/sync/data.py", "REJECTION_REASONS"),  # rejection rows: rejection_reason()
    ("ui/sync/enrol_dialog.py", "ADVICE"),  # tr(ADVICE[code])
    ("ui/sync/numbers.py", "HEADERS"),  # the number blocks table
    ("domain/followup.py", "STATUS_NAMES"),  # the follow-up board, the re-inspection cards
    ("domain/followup.py", "OUTCOME_NAMES"),  # the re-inspection cards
    ("ui/followup/screen.py", "COLUMNS"),  # the follow-up board
    ("server/errors.py", "MESSAGES"),  # message_of(code)
    ("server/app.py", "_HTTP_MESSAGES"),  # the API's answer to an unknown route or method
    ("server/api_sync.py", "WRONG_PASSWORD"),  # enrolment refused
    ("server/verify.py", "TYPE_NAMES"),  # the QR check's page and answer
)


def _tr_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to fieldcheck.i18n.tr, and names bound to the fieldcheck.i18n module."""
    functions: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "fieldcheck.i18n":
            functions |= {a.asname or a.name for a in node.names if a.name == "tr"}
        elif isinstance(node, ast.ImportFrom) and node.module == "fieldcheck":
            modules |= {a.asname or a.name for a in node.names if a.name == "i18n"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "fieldcheck.i18n" and a.asname}
    return functions, modules


def _is_tr_call(node: ast.Call, functions: set[str], modules: set[str]) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in functions
    if isinstance(func, ast.Attribute) and func.attr == "tr":
        owner = ast.unparse(func.value)
        return owner in modules or owner == "fieldcheck.i18n"
    return False


def tr_sources() -> dict[str, list[str]]:
    """Every literal first argument of tr() under src/fieldcheck -> where it is ("file:line").

    Implicit concatenations ("a" "b" over several lines) are one Constant in the ast already.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        functions, modules = _tr_names(tree)
        if not functions and not modules:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and _is_tr_call(node, functions, modules) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    return found


def _strings_of(value: ast.expr) -> list[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.Dict):  # the display names are the values, never the keys
        return [s for v in value.values for s in _strings_of(v)]
    if isinstance(value, ast.Tuple | ast.List):
        return [s for v in value.elts for s in _strings_of(v)]
    return []


def module_constant(module: str, name: str) -> list[str]:
    """The string values of a module-level constant, read from the source (no import, no Qt)."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return [s for s in _strings_of(value) if s]  # "" is shown as ""
    raise AssertionError(f"{module} has no module-level {name}: update INDIRECT_CONSTANTS")


def indirect_sources() -> dict[str, str]:
    """Display names passed to tr() through a variable -> where they come from."""
    found: dict[str, str] = {}
    for module, name in INDIRECT_CONSTANTS:
        values = module_constant(module, name)
        assert values, f"{module}:{name} holds no strings"
        for value in values:
            found.setdefault(value, f"{module}:{name}")
    # ui/findings: tr(cat.name), tr(findings.category_name(...))
    categories = json.loads((resources_dir() / "finding_categories.json").read_text("utf-8"))
    for category in categories["categories"]:
        found.setdefault(category["name"], "resources/finding_categories.json")
    # ui/notices/editor.py: tr(field.label) for the form fields of 现场检查记录 and 送达回证
    for path in sorted((resources_dir() / "notices").glob("*.json")):
        fields = json.loads(path.read_text("utf-8")).get("fields")
        if isinstance(fields, list):
            for field in fields:
                found.setdefault(field["label"], f"resources/notices/{path.name}")
    return found


def placeholders(text: str) -> set[tuple[str, str, str | None]]:
    """The {fields} of a str.format template, with their format spec and conversion."""
    try:
        return {(name, spec or "", conv) for _, name, spec, conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:  # not a valid template: compare the raw brace groups instead
        return {(group, "", None) for group in re.findall(r"\{[^{}]*\}?", text)}


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def english() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language(before)


def test_every_tr_source_string_has_an_english_entry(catalog: dict[str, str]) -> None:
    sources = tr_sources()
    assert len(sources) > 500  # the extraction still finds the calls
    missing = [f"{wheres[0]}: {text!r}" for text, wheres in sources.items() if text not in catalog]
    assert not missing, f"{len(missing)} tr() strings have no entry in en.json:\n" + "\n".join(
        missing)


def test_display_names_passed_to_tr_indirectly_have_english_entries(
        catalog: dict[str, str]) -> None:
    missing = [f"{where}: {text!r}" for text, where in indirect_sources().items()
               if text not in catalog]
    assert not missing, "display names without an entry in en.json:\n" + "\n".join(missing)


def test_every_entry_keeps_the_placeholders_of_its_source(catalog: dict[str, str]) -> None:
    mismatched = [f"{source!r}: {sorted(placeholders(source))} -> {sorted(placeholders(text))}"
                  for source, text in catalog.items() if placeholders(source) != placeholders(text)]
    assert not mismatched, "placeholders differ:\n" + "\n".join(mismatched)


def test_no_entry_is_left_in_chinese(catalog: dict[str, str]) -> None:
    untranslated = [f"{source!r}: {text!r}" for source, text in catalog.items()
                    if not text.strip() or (CJK.search(text) and source not in MUST_CARRY_CHINESE)]
    assert not untranslated, "entries not translated into English:\n" + "\n".join(untranslated)
    stale = [s for s in MUST_CARRY_CHINESE if s not in catalog or not CJK.search(catalog[s])]
    assert not stale, f"MUST_CARRY_CHINESE lists entries that no longer need it: {stale}"


def test_catalog_file_is_sorted_utf8_with_indent_1() -> None:
    raw = CATALOG_PATH.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw.rstrip("\n") == json.dumps(dict(sorted(data.items())), ensure_ascii=False, indent=1)


@pytest.mark.usefixtures("english")
def test_domain_messages_come_back_in_english(store: Store) -> None:
    from fieldcheck.domain.visits import KIND_NAMES, get_visit
    from fieldcheck.errors import ValidationError
    from fieldcheck.models import VisitKind
    from fieldcheck.notices.errors import NoticeError
    from fieldcheck.notices.model import format_number
    from fieldcheck.templates.expr_nodes import ExpressionError
    from fieldcheck.templates.expr_parser import parse_expression

    assert tr("找不到检查记录 {id}。", id="v-1") == "Visit v-1 not found."
    assert tr(KIND_NAMES[VisitKind.UNANNOUNCED]) == "Unannounced inspection"
    with store.read() as s, pytest.raises(ValidationError) as visit_error:
        get_visit(s, "no-such-visit")
    assert str(visit_error.value) == "Visit no-such-visit not found."
    with pytest.raises(NoticeError) as number_error:
        format_number("清监整改", 26, 1)
    assert str(number_error.value) == (
        "Year 26 is invalid; the year in a document number must have four digits.")
    with pytest.raises(ExpressionError) as expr_error:
        parse_expression("a = 1")
    assert str(expr_error.value) == "Expression, column 3: = is not supported; write =="


def test_chinese_is_the_source_language() -> None:
    assert i18n.language() == "zh"  # FIELDCHECK_LANG=zh in conftest; `english` resets it
    assert tr("草稿") == "草稿"
    assert tr("文书 {number} 已作废。", number="清监整改〔2026〕7号") == "文书 清监整改〔2026〕7号 已作废。"


@pytest.mark.usefixtures("english")
def test_a_refused_change_says_why_in_the_laptops_language() -> None:
    from fieldcheck.ui.sync.data import rejection_reason

    server_said = "文号“清监整改〔2026〕1号”已被另一份文书使用。"  # the bureau's words, in its language
    assert rejection_reason("number_taken", server_said) == (
        "This document number is already used by another notice.")
    # A problem only the server can name is shown as it said it; a bare code as the code.
    assert rejection_reason("invalid_field", "字段不符合要求：期限") == "字段不符合要求：期限"
    assert rejection_reason("year_closed", "") == "year_closed"


@pytest.mark.usefixtures("english")
def test_the_servers_administrator_reads_english_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fieldcheck.server.cli import admin_main

    data = ["--data-dir", str(tmp_path / "server")]
    assert admin_main(["create-team", *data, "一组"]) == 0
    assert admin_main(["create-team", *data, "一组"]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == "Team 一组 created"
    assert err.strip() == "Error: Team “一组” already exists."
    with pytest.raises(SystemExit):
        admin_main(["--help"])
    assert "List enrolled devices" in capsys.readouterr().out


@pytest.mark.usefixtures("english")
def test_the_qr_check_page_reads_english_on_an_english_server() -> None:
    from fieldcheck.server.verify import render_page
    from fieldcheck.sync.protocol import VerifyResponse

    page = render_page(VerifyResponse(
        notice_id="019b0000-0000-7000-8000-000000000001", genuine=True, number="清监整改〔2026〕1号",
        type="Rectification notice", unit="清河市行政审批局", issued_at="2026-12-02T02:00:00.000000Z",
        status="issued", voided_by=None, void_reason="", pdf_sha256="0" * 64))
    assert '<html lang="en">' in page and "Genuine and valid notice" in page
    assert "<dt>Issued on</dt><dd>2026-12-2</dd>" in page and "清监整改〔2026〕1号" in page
    words = re.sub(r"<style>.*</style>", "", page, flags=re.S)  # the CSS names CJK fonts
    for data in ("清监整改〔2026〕1号", "清河市行政审批局"):  # the notice's own data stays as issued
        words = words.replace(data, "")
    assert not CJK.search(words)

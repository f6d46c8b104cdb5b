"""What ends in paper: signing, issuing with a number, printing, saving the PDF, correcting.

A mixin of NoticesDialog (which provides the store, tasks, settings, the shown notice and its
widgets). Every question goes through `ui.common.dialogs` or `printing`, module-level
functions a test can answer instead of a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from fieldcheck.domain import numbering
from fieldcheck.i18n import language, tr
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.errors import show_exception
from fieldcheck.ui.common.widgets import button
from fieldcheck.ui.notices import data, printing
from fieldcheck.ui.notices.data import IssueOutcome, IssuePlan
from fieldcheck.ui.notices.pdfpages import page_count
from fieldcheck.ui.notices.signing import RefusalInput, SignatureInput, SignDialog

if TYPE_CHECKING:
    from fieldcheck.domain.notice_settings import BureauSettings
    from fieldcheck.store import Store
    from fieldcheck.ui.common.tasks import Tasks
    from fieldcheck.ui.notices.data import NoticeDetail, VisitNotices
    from fieldcheck.ui.notices.editor import DraftEditor

PdfThen = Callable[[str, bytes], None]
NO_PRINTER = ("未找到打印机。请连接打印机并安装驱动程序后重试；"
              "也可先保存为 PDF，再到有打印机的电脑上打印。")


class NoticeActions:
    store: Store
    tasks: Tasks
    authority: numbering.NumberAuthority | None
    detail: NoticeDetail | None
    visit: VisitNotices | None
    editor: DraftEditor
    sign_dialog: SignDialog | None = None
    printer: QPrinter | None = None  # kept alive until its print job has run

    if TYPE_CHECKING:  # provided by NoticesDialog
        def flush_edits(self, then: Any = None) -> None: ...
        def settings_now(self) -> BureauSettings: ...
        def select_notice(self, notice_id: str) -> None: ...
        def reload(self, select_id: str | None = None) -> None: ...
        def show_message(self, text: str, kind: str = "info") -> None: ...

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    # --- the action buttons ----------------------------------------------------------------

    def build_actions(self, bar: QHBoxLayout) -> None:
        self.sign_button = button(tr("签名…"), tip=tr("检查人员、被检查单位负责人或见证人签名；也可记录拒绝签字"))
        self.save_button = button(tr("保存 PDF…"))
        self.print_button = button(tr("打印…"))
        self.correct_button = button(tr("更正…"), tip=tr("签发一份新文书替代本文书，本文书随之作废"))
        self.void_button = button(tr("作废…"), "danger")
        self.issue_button = button(tr("签发…"), "primary",
                                   tip=tr("编号并冻结内容；签发后不能再修改"))
        for widget, slot in ((self.sign_button, self.sign), (self.save_button, self.save_pdf),
                             (self.print_button, self.print_notice),
                             (self.correct_button, self.correct), (self.void_button, self.void),
                             (self.issue_button, self.issue)):
            widget.clicked.connect(slot)
            bar.addWidget(widget)

    def update_actions(self) -> None:
        status = self.detail.row.status if self.detail else ""
        draft, issued = status == "draft", status == "issued"
        self.sign_button.setVisible(draft)
        self.issue_button.setVisible(draft)
        self.issue_button.setEnabled(draft)
        self.save_button.setVisible(bool(status))
        self.print_button.setVisible(draft or issued)
        self.print_button.setText(tr("打印草稿…") if draft else tr("打印…"))
        _set_primary(self.print_button, issued)
        self.correct_button.setVisible(issued)
        self.void_button.setVisible(issued)

    # --- signing ---------------------------------------------------------------------------

    def sign(self) -> None:
        if self.detail is not None and self.detail.editable:
            self.flush_edits(self._open_sign_dialog)

    def _open_sign_dialog(self) -> SignDialog | None:
        if self.detail is None:
            return None
        signed_roles = {s.role for s in self.detail.signatures}
        role = "recipient" if "inspector" in signed_roles else "inspector"
        user = self.visit.user_name if self.visit else ""
        dialog = SignDialog(self._widget(), self.editor.signature_suggestions(user), role)
        notice_id = self.detail.row.id
        dialog.accepted.connect(lambda: self._signed(notice_id, dialog))
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def _signed(self, notice_id: str, dialog: SignDialog) -> None:
        given = dialog.result_input
        if isinstance(given, SignatureInput):
            self.tasks.write(data.sign, self.store, notice_id, given.role, given.name, given.png,
                             given.strokes, owner=self._widget(),
                             on_done=lambda _id: self._signature_saved(notice_id, tr("签名已保存。")))
        elif isinstance(given, RefusalInput):
            done = tr("已记录拒绝签字：理由和见证人将印在文书上。")
            self.tasks.write(data.refuse, self.store, notice_id, given.name, given.reason,
                             given.witness_name, owner=self._widget(),
                             on_done=lambda _id: self._signature_saved(notice_id, done))
        dialog.deleteLater()
        self.sign_dialog = None

    def _signature_saved(self, notice_id: str, message: str) -> None:
        self.show_message(message, "ok")
        self.select_notice(notice_id)

    def remove_signature(self, signature_id: str) -> None:
        if self.detail is None or not dialogs.confirm(
                self._widget(), tr("删除签名"), tr("删除这个签名？删除会记录在审计日志中。"), tr("删除")):
            return
        notice_id = self.detail.row.id
        self.tasks.write(data.remove_signature, self.store, signature_id, owner=self._widget(),
                         on_done=lambda _id: self.select_notice(notice_id))

    # --- issuing ---------------------------------------------------------------------------

    def issue(self) -> None:
        if self.detail is None or not self.detail.editable:
            return
        notice_id = self.detail.row.id
        self.flush_edits(lambda: self.tasks.run(
            data.plan_issue, self.store, notice_id, self.settings_now(), self.authority,
            owner=self._widget(), on_done=lambda plan: self.confirm_issue(notice_id, plan)))

    def confirm_issue(self, notice_id: str, plan: IssuePlan) -> None:
        if plan.problem:
            self.show_message(plan.problem, "warn")
            return
        if plan.number is not None or plan.authority == "remote":
            # With no number left and nobody to ask, the domain says so (below): no question.
            text = tr("将使用文号 {number}。", number=plan.number) if plan.number else tr(
                "本机该类文书的文号已用完，签发时将向服务器领取新的文号段并分配文号。")
            text += "\n\n" + tr("签发后，文书内容和 PDF 将被冻结，不能再修改；"
                                "如有错误，只能签发一份新文书替代并作废原文书。")
            if plan.running_low:
                text += "\n\n" + tr("注意：本机该类文书仅剩 {n} 个文号，请尽快联网同步以领取新的文号段。",
                                    n=plan.remaining)
            if not dialogs.confirm(self._widget(), tr("签发文书"), text, tr("签发")):
                return
        self.issue_button.setEnabled(False)
        self.show_message(tr("正在签发：编号、生成并保存 PDF…"))
        self.tasks.write(data.issue, self.store, notice_id, self.settings_now(), self.authority,
                         owner=self._widget(), on_done=self._issued,
                         on_error=lambda exc: self._issue_failed(notice_id, exc))

    def _issued(self, outcome: IssueOutcome) -> None:
        text = tr("已签发，文号 {number}。现在可以打印（默认一式{copies}份）或保存 PDF。",
                  number=outcome.number, copies=_chinese_count(self.settings_now().copies))
        kind = "ok"
        if outcome.running_low:
            text += " " + tr("注意：本机该类文书仅剩 {n} 个文号，请尽快联网同步以领取新的文号段。",
                             n=outcome.remaining)
            kind = "warn"
        self.show_message(text, kind)
        self.reload(select_id=outcome.notice_id)

    def _issue_failed(self, notice_id: str, exc: BaseException) -> None:
        self.update_actions()
        if isinstance(exc, numbering.NoNumberLeftError):
            self.offer_draft_print(notice_id, str(exc))
            return
        self.show_message("")
        show_exception(self._widget(), exc)

    def offer_draft_print(self, notice_id: str, reason: str) -> None:
        """No number is left: say so, and offer the watermarked draft (no number) instead."""
        self.show_message(reason, "warn")
        text = reason + "\n\n" + tr("现在可以打印带“草稿”水印、没有文号的文书，供现场使用；"
                                    "它不是正式文书。领取到新的文号段后再签发。")
        if dialogs.confirm(self._widget(), tr("没有可用的文号"), text, tr("打印草稿…")):
            self.print_notice(notice_id)

    # --- printing and saving ---------------------------------------------------------------

    def _with_pdf(self, notice_id: str, then: PdfThen) -> None:
        """The PDF as it prints now (frozen once issued), rendered off the GUI thread."""
        self.flush_edits(lambda: self.tasks.run(
            data.render, self.store, notice_id, self.settings_now(), owner=self._widget(),
            on_done=lambda pdf: then(notice_id, pdf)))

    def print_notice(self, notice_id: str | None = None) -> None:
        target = notice_id or (self.detail.row.id if self.detail else None)
        if target is not None:
            self._with_pdf(target, self.print_pdf)

    def print_pdf(self, notice_id: str, pdf: bytes) -> None:
        if not printing.has_printer():
            self._no_printer(notice_id, pdf)
            return
        printer = printing.make_printer(self.settings_now().copies, self._title())
        if not printing.choose_printer(self._widget(), printer, page_count(pdf)):
            return
        self.printer = printer
        draft = self.detail is not None and self.detail.row.id == notice_id and self.detail.editable
        self.show_message(tr("正在打印…"))
        self.tasks.run(printing.print_pdf, pdf, printer, owner=self._widget(),
                       on_done=lambda pages: self._printed(pages, draft),
                       on_error=self._print_failed)

    def _printed(self, pages: int, draft: bool) -> None:
        printer, self.printer = self.printer, None
        what = tr("草稿（带“草稿”水印，无文号）") if draft else tr("文书")
        if printer is not None and printing.prints_to_file(printer):
            self.show_message(tr("已将{what}打印到文件：{path}", what=what,
                                 path=printer.outputFileName()), "ok")
            return
        name = printer.printerName() if printer is not None else ""
        copies = printer.copyCount() if printer is not None else 1
        self.show_message(tr("已将{what}发送到打印机“{name}”：{pages} 页，{copies} 份。", what=what,
                             name=name, pages=pages, copies=copies), "ok")

    def _print_failed(self, exc: BaseException) -> None:
        self.printer = None
        self.show_message("")
        show_exception(self._widget(), exc)

    def _no_printer(self, notice_id: str, pdf: bytes) -> None:
        self.show_message(tr(NO_PRINTER), "warn")
        if dialogs.confirm(self._widget(), tr("未找到打印机"), tr(NO_PRINTER), tr("保存为 PDF…")):
            self.save_pdf_bytes(notice_id, pdf)

    def save_pdf(self) -> None:
        if self.detail is not None:
            self._with_pdf(self.detail.row.id, self.save_pdf_bytes)

    def save_pdf_bytes(self, notice_id: str, pdf: bytes) -> None:
        number = self.detail.row.number if self.detail and self.detail.row.id == notice_id else None
        path = printing.ask_save_path(self._widget(),
                                      printing.suggested_file_name(self._title(), number))
        if path is None:
            return
        self.tasks.run(printing.save_pdf, path, pdf, owner=self._widget(),
                       on_done=lambda p: self.show_message(tr("已保存 PDF：{path}", path=p), "ok"))

    def _title(self) -> str:
        return self.detail.row.type_name if self.detail else tr("文书")

    # --- corrections ---------------------------------------------------------------------

    def correct(self) -> None:
        if self.detail is None or self.detail.row.status != "issued":
            return
        old = self.detail.row
        reason = dialogs.ask_text(self._widget(), tr("更正文书"), tr(
            "请填写更正理由（将记录在案）。将生成一份内容相同的新草稿，修改后签发；"
            "新文书签发时，原文书 {number} 自动作废。", number=old.number or ""),
            tr("文号与另一份文书重复，以新文号重新出具") if old.number_clash else "")
        if reason is None or not reason.strip():
            return
        self.tasks.write(data.correct, self.store, old.id, reason, self.settings_now(),
                         owner=self._widget(), on_done=lambda new_id: self._corrected(new_id, old.number))

    def _corrected(self, new_id: str, old_number: str | None) -> None:
        self.show_message(tr("已生成更正稿。修改后签发，原文书 {number} 将随之作废。",
                             number=old_number or ""), "info")
        self.reload(select_id=new_id)

    def void(self) -> None:
        if self.detail is None or self.detail.row.status != "issued":
            return
        row = self.detail.row
        reason = dialogs.ask_text(self._widget(), tr("作废文书"), tr(
            "请填写作废理由（将记录在案）。作废后原 PDF 仍可查阅，文号 {number} 不再使用。",
            number=row.number or ""))
        if reason is None or not reason.strip():
            return
        self.tasks.write(data.void, self.store, row.id, reason, owner=self._widget(),
                         on_done=lambda _id: self._voided(row.id, row.number))

    def _voided(self, notice_id: str, number: str | None) -> None:
        self.show_message(tr("文书 {number} 已作废。", number=number or ""), "ok")
        self.reload(select_id=notice_id)


def _set_primary(widget: QPushButton, primary: bool) -> None:
    name = "primary" if primary else ""
    if widget.objectName() != name:
        widget.setObjectName(name)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def _chinese_count(n: int) -> str:
    """一式两份 reads with a Chinese numeral; other languages get the digit."""
    if language() != "zh" or not 1 <= n <= 10:
        return str(n)
    return "一两三四五六七八九十"[n - 1]

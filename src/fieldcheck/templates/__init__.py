"""Checklist templates: the JSON format, its validator, the condition language and the
pure checklist logic (visibility, progress, scoring, failures and suggested findings).

Qt-free and database-free: `domain/` pins a template's `raw` body on a visit and calls
these functions with the visit's answers.
"""

from fieldcheck.templates.categories import finding_categories, finding_category_keys
from fieldcheck.templates.checklist import (
    Progress,
    Score,
    condition_env,
    constraint_violations,
    failed_items,
    is_answered,
    is_failed,
    missing_required,
    photo_required_missing,
    progress,
    score,
    suggested_finding,
    suggested_findings,
    validate_answer,
    visible_items,
)
from fieldcheck.templates.expr import Expression, ExpressionError, compile_expression
from fieldcheck.templates.loader import (
    decode_json,
    load_shipped_templates,
    load_template,
    parse_template_text,
    shipped_templates_dir,
    template_to_json,
)
from fieldcheck.templates.model import (
    ITEM_TYPES,
    VISIT_KINDS,
    Item,
    Option,
    Section,
    SuggestedFinding,
    Template,
)
from fieldcheck.templates.problems import MalformedTemplateError, TemplateProblem
from fieldcheck.templates.validate import parse_template

__all__ = [
    "ITEM_TYPES",
    "VISIT_KINDS",
    "Expression",
    "ExpressionError",
    "Item",
    "MalformedTemplateError",
    "Option",
    "Progress",
    "Score",
    "Section",
    "SuggestedFinding",
    "Template",
    "TemplateProblem",
    "compile_expression",
    "condition_env",
    "constraint_violations",
    "decode_json",
    "failed_items",
    "finding_categories",
    "finding_category_keys",
    "is_answered",
    "is_failed",
    "load_shipped_templates",
    "load_template",
    "missing_required",
    "parse_template",
    "parse_template_text",
    "photo_required_missing",
    "progress",
    "score",
    "shipped_templates_dir",
    "suggested_finding",
    "suggested_findings",
    "template_to_json",
    "validate_answer",
    "visible_items",
]

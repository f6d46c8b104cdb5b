"""A cheap start-up check: are the shipped template versions already published?

Validating templates needs the templates package (~70 ms to import) and a full parse;
most starts find every version already published, which a glance at each file's key and
version tells without either.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcheck.models import TemplateVersion
from fieldcheck.paths import resources_dir


def shipped_templates_published(session: Session) -> bool:
    wanted = set()
    for path in sorted((resources_dir() / "templates").glob("*.json")):
        if path.name == "schema.json":
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            wanted.add((str(data["key"]), int(data["version"])))
        except (OSError, ValueError, KeyError, TypeError):
            return False  # let the full publish report the broken file
    have = {(key, version) for key, version in session.execute(select(TemplateVersion.key, TemplateVersion.version))}
    return wanted <= have

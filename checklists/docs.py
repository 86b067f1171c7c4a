"""Generate the field reference of ``docs/checklist-format.md`` from the pydantic models.

``python -m checklists.docs`` rewrites the part of the document between the markers; a test
fails when the committed document and the models disagree.
"""

import json
import sys
import types
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from inspector.checklist_model import (
    AnswerLabels,
    Checklist,
    Choice,
    Column,
    Computed,
    FindingTemplate,
    Item,
    Section,
)

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "checklist-format.md"
BEGIN = "<!-- BEGIN GENERATED: python -m checklists.docs -->"
END = "<!-- END GENERATED -->"
MODELS: tuple[type[BaseModel], ...] = (
    Checklist, Section, Item, AnswerLabels, Choice, Column, FindingTemplate, Computed,
)  # fmt: skip


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        parts = [_type_name(arg) for arg in get_args(annotation) if arg is not type(None)]
        return " or ".join(parts) + " or null"
    if origin is list:
        return f"list of {_type_name(get_args(annotation)[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(f"`{member.value}`" for member in annotation)
    names = {str: "string", int: "integer", bool: "boolean", date: "date (YYYY-MM-DD)"}
    return names.get(annotation, str(annotation))


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    default = field.get_default(call_default_factory=True)
    return f"default `{json.dumps(default, ensure_ascii=False)}`"


def _table(model: type[BaseModel]) -> str:
    lines = [f"### {model.__name__}", "", "| key | type | | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        type_name = _type_name(field.annotation).replace("|", "\\|")
        lines.append(f"| `{name}` | {type_name} | {_default(field)} | {field.description or ''} |")
    return "\n".join(lines)


def render_reference() -> str:
    """The generated part: one table per model."""
    return "\n\n".join(_table(model) for model in MODELS)


def with_reference(document: str) -> str:
    """``document`` with the generated part replaced by the current one."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{render_reference()}\n\n{END}{tail}"


def main() -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    DOC_PATH.write_text(with_reference(text), encoding="utf-8")
    sys.stdout.write(f"updated {DOC_PATH}\n")


if __name__ == "__main__":
    main()

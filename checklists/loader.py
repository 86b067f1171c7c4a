"""Read checklist files: YAML (the format kept under ``checklists/builtin/``) or XLSForm .xlsx.

The YAML loader records the line of every mapping so a problem can be shown where it is, and
refuses duplicate keys, which plain YAML would silently overwrite.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checklists.problems import ChecklistError, Located, Problem
from checklists.validate import build_checklist
from inspector.checklist_model import Checklist


@dataclass(frozen=True)
class Loaded:
    """A valid checklist and any warnings about defaults that were filled in."""

    checklist: Checklist
    warnings: list[str] = field(default_factory=list)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings are ``Located`` at their first line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    keys: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键“{key}”", key_node.start_mark
            )
        keys.add(key)
    data = loader.construct_mapping(node, deep=True)
    return Located(
        {str(key): value for key, value in data.items()}, f"第 {node.start_mark.line + 1} 行"
    )


# YAML 1.1 reads yes/no/on/off as booleans; a choice value "yes" must stay a string.
_LineLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Raw data of a YAML file with line marks; syntax errors become a ``ChecklistError``."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError([Problem(file, "", None, f"无法读取文件（{exc}）")]) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行" if mark else ""
        reason = exc.problem or exc.context or "格式错误"
        raise ChecklistError([Problem(file, where, None, f"YAML 格式错误：{reason}")]) from None
    if not isinstance(data, dict):
        raise ChecklistError([Problem(file, "", None, "文件内容应为一个检查表（YAML 映射）")])
    return data


def load_file(path: Path | str) -> Loaded:
    """Load and validate one checklist file, by its extension (.yaml/.yml or .xlsx)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return Loaded(build_checklist(read_yaml(path), str(path)))
    if suffix == ".xlsx":
        from checklists.xlsform import read_xlsform  # openpyxl only when needed

        loaded: Loaded = read_xlsform(path)
        return loaded
    raise ChecklistError(
        [
            Problem(
                str(path), "", None, f"不支持的文件类型“{path.suffix}”，应为 .yaml、.yml 或 .xlsx"
            )
        ]
    )

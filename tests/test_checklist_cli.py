"""``inspector checklist ...`` commands, in process and once through the real entry point."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from checklists.library import builtin_paths
from cli.main import cli
from inspector.errors import UserError

BUILTINS = [str(path) for path in builtin_paths()]


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "checklist", *args], standalone_mode=False)


def test_validate_import_list_export(tmp_path: Path) -> None:
    db = tmp_path / "inspector.db"
    validated = run(db, "validate", *BUILTINS)
    assert validated.exit_code == 0, validated.output
    assert (
        "spot-check-general.yaml：有效（spot-check-general 第 2 版，共 44 个条目）"
        in validated.output
    )
    first = run(db, "import", *BUILTINS)
    assert first.output.count("已导入：") == 3
    again = run(db, "import", *BUILTINS)
    assert again.output.count("未变化：") == 3
    listed = json.loads(run(db, "list", "--json").output)
    assert [(c["id"], c["version"], c["item_count"]) for c in listed] == [
        ("fee-audit", 3, 19),
        ("nonprofit-review", 2, 18),
        ("spot-check-general", 2, 44),
    ]
    assert set(listed[0]) == {
        "id",
        "version",
        "title",
        "kind",
        "applies_to",
        "effective_date",
        "item_count",
    }
    target = tmp_path / "fee.xlsx"
    exported = run(db, "export", "fee-audit@3", "--xlsx", str(target))
    assert exported.exit_code == 0 and target.exists()
    assert run(db, "import", str(target)).output == "未变化：fee-audit 第 3 版已存在且内容相同\n"


def test_import_with_one_bad_file_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "inspector.db"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(BUILTINS[0])
        .read_text(encoding="utf-8")
        .replace("answer_type: date", "answer_type: datum"),
        encoding="utf-8",
    )
    result = run(db, "import", BUILTINS[1], str(bad))
    assert isinstance(result.exception, UserError)
    assert str(result.exception) == "1 个文件有错误，共 1 处问题；未导入任何内容"
    assert "条目 rg-05：未知的答案类型“datum”" in result.output
    assert json.loads(run(db, "list", "--json").output) == []


def test_export_unknown_checklist(tmp_path: Path) -> None:
    result = run(tmp_path / "inspector.db", "export", "nope@2", "--xlsx", str(tmp_path / "x.xlsx"))
    assert str(result.exception) == "找不到检查表：nope@2"


def test_errors_exit_non_zero_through_main(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector",
            "--db",
            str(tmp_path / "i.db"),
            "checklist",
            "validate",
            str(bad),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert f"{bad}，第 1 行：缺少必填字段“version”" in completed.stderr
    assert "错误：1 个文件有错误" in completed.stderr

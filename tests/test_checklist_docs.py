"""The format documentation is generated from the models and kept current."""

from checklists.docs import DOC_PATH, with_reference


def test_format_doc_matches_the_models() -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    assert with_reference(text) == text, "run: python -m checklists.docs"

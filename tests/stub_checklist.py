"""A stored checklist definition for tests that insert checklist rows by hand.

The core refuses an answer for an item its checklist lacks, so a hand-made row needs items.
"""

import json

STUB_ITEM_IDS = ("q1", "ar-01", "a")


def stub_definition(*item_ids: str) -> str:
    """The JSON of one section of compliance items (``STUB_ITEM_IDS`` unless named)."""
    items = [
        {"id": item_id, "question": f"检查项{item_id}", "answer_type": "compliance"}
        for item_id in item_ids or STUB_ITEM_IDS
    ]
    return json.dumps({"sections": [{"id": "s", "title": "检查", "items": items}]})

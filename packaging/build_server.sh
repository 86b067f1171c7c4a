#!/usr/bin/env bash
# Build the office server as a wheel without Qt: everything but ui/, every dependency but PySide6.
#   bash packaging/build_server.sh     -> build/packages/social_org_inspector_server-<v>-py3-none-any.whl
# Install on the server machine with: pip install social_org_inspector_server-*.whl
# (the `inspector` command then has every command but `gui`; see docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -m pip --version >/dev/null 2>&1 || { echo "构建需要 Python 3.11+ 与 pip：apt-get install python3-pip" >&2; exit 2; }

STAGE=build/server-wheel
rm -rf "$STAGE"; mkdir -p "$STAGE" build/packages
cp -r inspector checklists reports sync cli README.md "$STAGE/"
find "$STAGE" -name __pycache__ -prune -exec rm -rf {} +
"$PY" - pyproject.toml "$STAGE/pyproject.toml" <<'PY'
"""The server's pyproject: the project's own, renamed, without PySide6 and without ui/."""
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
text = text.replace('name = "social-org-inspector"', 'name = "social-org-inspector-server"', 1)
text = re.sub(r'\n\s*"PySide6[^"]*",', "", text, count=1)
text = text.replace('"sync*", "ui*", "cli*"', '"sync*", "cli*"', 1)
if "PySide6" in text.split("[project.optional-dependencies]")[0] or '"ui*"' in text:
    sys.exit("pyproject.toml changed shape: update packaging/build_server.sh")
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w build/packages "$STAGE" 2>/dev/null \
  || "$PY" -m pip wheel -q --no-deps -w build/packages "$STAGE"
echo "==> built $(ls -t build/packages/social_org_inspector_server-*.whl | head -1)"

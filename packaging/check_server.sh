#!/usr/bin/env bash
# The server wheel on a machine without Qt: a fresh virtualenv, the wheel and its dependencies,
# PySide6 absent; `inspector server run` serves, `inspector gui` says it is not there.
#   bash packaging/check_server.sh [wheel]
set -euo pipefail
cd "$(dirname "$0")/.."
WHEEL=${1:-$(ls -t build/packages/social_org_inspector_server-*.whl | head -1)}
VENV=build/server-venv
PY=${PYTHON:-python3}
say() { printf '==> %s\n' "$*"; }
rm -rf "$VENV"; "$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q "$WHEEL"
! "$VENV/bin/python" -c "import PySide6" 2>/dev/null
say "installed without Qt: $("$VENV/bin/pip" list 2>/dev/null | grep -ci pyside || true) PySide6 packages"
set +e; "$VENV/bin/inspector" gui > build/server-gui.txt 2>&1; status=$?; set -e
cat build/server-gui.txt; [ "$status" -eq 1 ] && grep -q '此安装不含图形界面' build/server-gui.txt
DATA=$(mktemp -d); PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$VENV/bin/inspector" server run --data "$DATA" --port "$PORT" > build/server-run.log 2>&1 &
SERVER=$!; trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$PORT/api/v1/openapi.json" | "$VENV/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print("==> serving:", d["info"]["title"], len(d["paths"]), "paths")'

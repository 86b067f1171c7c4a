#!/usr/bin/env bash
# Build the self-contained desktop app (PyInstaller, one folder) into build/dist/.
#   bash packaging/build_desktop.sh
# Needs the project's virtualenv (bash scripts/setup.sh test or demo makes it) and the CJK
# fonts the setup script installs; says which is missing. Output:
#   build/dist/social-org-inspector/inspector   (run it: no Python needed on the machine)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
missing=()
[ -x "$PY" ] || missing+=("项目虚拟环境 .venv（运行 bash scripts/setup.sh test 生成）")
for font in /usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/truetype/wqy/wqy-microhei.ttc; do
  [ -f "$font" ] || missing+=("中文字体 $font（apt-get install fonts-arphic-uming fonts-wqy-microhei）")
done
if [ ${#missing[@]} -gt 0 ]; then
  printf '构建所需的工具缺失，请先安装：\n' >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "==> installing PyInstaller into .venv"
  "$PY" -m pip install -q -e '.[build]'
fi
"$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath build/dist --workpath build/work packaging/inspector.spec
echo "==> built build/dist/social-org-inspector ($(du -sh build/dist/social-org-inspector | cut -f1))"

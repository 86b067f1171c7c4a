#!/usr/bin/env bash
# Install the .deb into a clean Debian 12 root (debootstrap, minbase: no Python at all) and use
# the app there as a user would: first screen rendered offscreen, the demo store opened,
# notices written as PDF, the no-display message, then removal keeping the user's data.
#   bash packaging/check_deb.sh [path/to/package.deb]      (as root; needs debootstrap)
# Leaves what it saw in build/check-deb/ (first-screen.png, notice PDFs, log).
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=${1:-$(ls -t build/packages/social-org-inspector_*.deb | head -1)}
OUT=build/check-deb
BASE=build/chroot-bookworm.tar
ROOT=build/chroot-test
say() { printf '==> %s\n' "$*"; }
[ "$(id -u)" -eq 0 ] || { echo "须以 root 运行（debootstrap 与 chroot）" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "需要 debootstrap：apt-get install debootstrap" >&2; exit 2; }

if [ ! -f "$BASE" ]; then
  say "debootstrap bookworm (minbase), cached in $BASE"
  rm -rf build/chroot-base
  debootstrap --variant=minbase bookworm build/chroot-base http://deb.debian.org/debian >/dev/null
  tar -C build/chroot-base -cf "$BASE" .
  rm -rf build/chroot-base
fi
cleanup() {
  for m in proc dev/pts dev; do umount "$ROOT/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
rm -rf "$ROOT" "$OUT"; mkdir -p "$ROOT" "$OUT"
tar -C "$ROOT" -xf "$BASE"
mount -t proc proc "$ROOT/proc"; mount --bind /dev "$ROOT/dev"; mount --bind /dev/pts "$ROOT/dev/pts"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp "$DEB" "$ROOT/tmp/app.deb"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
as_user() { chroot --userspec=inspector:inspector "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin \
  HOME=/home/inspector LANG=C.UTF-8 INSPECTOR_PASSWORD=demo-password "$@"; }

say "the clean root has no Python"
! in_root sh -c 'command -v python3 || ls /usr/bin/python*' 2>/dev/null
say "apt-get install ./app.deb (pulls the Qt runtime libraries it depends on)"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/app.deb >/dev/null
in_root useradd -m inspector
test -x "$ROOT/opt/social-org-inspector/inspector"
test -f "$ROOT/usr/share/applications/social-org-inspector.desktop"
grep -q '^Name\[zh_CN\]=社会组织现场检查' "$ROOT/usr/share/applications/social-org-inspector.desktop"

say "demo store in the user's data folder, first screen offscreen, notices as PDF"
as_user social-org-inspector demo --orgs 300 --seed 7 | tee -a "$OUT/log"
DATA="$ROOT/home/inspector/.local/share/social-org-inspector"
test -f "$DATA/inspector.db" && test -f "$DATA/inspector.db.keys.json"
say "the store on disk is encrypted: no SQLite header, no organization name in it"
[ "$(head -c 15 "$DATA/inspector.db")" != "SQLite format 3" ]
! grep -q "$(printf '社会组织\|协会')" "$DATA/inspector.db"
as_user env QT_QPA_PLATFORM=offscreen social-org-inspector gui --screenshot /tmp/first-screen.png
cp "$ROOT/tmp/first-screen.png" "$OUT/"
# Notices are a supervisor's act: issue them as the demo's first supervisor (read from outside).
SUPERVISOR=$(INSPECTOR_PASSWORD=demo-password PYTHONPATH="$PWD" .venv/bin/python - "$DATA/inspector.db" <<'PY'
import sys
from pathlib import Path
from inspector.store import connect
from inspector.unlock import key_for
path = Path(sys.argv[1])
db = connect(path, key_for(path), read_only=True)
print(db.execute("SELECT certificate_no FROM roster WHERE role = 'supervisor' AND active = 1"
                 " ORDER BY name LIMIT 1").fetchone()[0])
PY
)
as_user social-org-inspector notices --format pdf --out /tmp/notices --actor "$SUPERVISOR" | tee -a "$OUT/log"
ls "$ROOT"/tmp/notices/*.pdf >/dev/null
cp "$ROOT"/tmp/notices/*.pdf "$OUT/"

say "without a display: a Chinese message and a non-zero exit"
set +e
as_user social-org-inspector gui > "$OUT/no-display.txt" 2>&1
status=$?
set -e
cat "$OUT/no-display.txt"
[ "$status" -ne 0 ] && grep -q '没有可用的图形显示' "$OUT/no-display.txt"

say "dpkg -r keeps the user's data"
in_root dpkg -r social-org-inspector >/dev/null
[ ! -e "$ROOT/opt/social-org-inspector" ] && test -f "$DATA/inspector.db" && test -f "$DATA/inspector.db.keys.json"
say "the store on disk is encrypted: no SQLite header, no organization name in it"
[ "$(head -c 15 "$DATA/inspector.db")" != "SQLite format 3" ]
! grep -q "$(printf '社会组织\|协会')" "$DATA/inspector.db"
say "passed: $(ls "$OUT")"

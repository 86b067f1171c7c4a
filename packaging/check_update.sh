#!/usr/bin/env bash
# Updates keep the data, tested with two builds in a clean Debian 12 root:
#   build A = this tree; build B = this tree plus one more store migration (a newer release).
# Install A, make a store; install B over it: the store is migrated, with its backup; go back
# to A: the older build refuses the newer store with its message and leaves the file as it is.
#   bash packaging/check_update.sh          (as root; reuses check_deb.sh's cached root)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '==> %s\n' "$*"; }
WORK=build/update
ROOT=build/chroot-update
BASE=build/chroot-bookworm.tar
[ -f "$BASE" ] || { echo "先运行 bash packaging/check_deb.sh（它缓存干净的 Debian 12 根目录）" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK"

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
say "build A ($VERSION)"
bash packaging/build_deb.sh >/dev/null
cp "build/packages/social-org-inspector_${VERSION}_$(dpkg --print-architecture).deb" "$WORK/A.deb"

say "build B ($VERSION.1: one more migration)"
mkdir -p "$WORK/src"
tar --exclude=./build --exclude=./.git --exclude=./.venv --exclude='*.db*' -cf - . | tar -C "$WORK/src" -xf -
ln -s "$PWD/.venv" "$WORK/src/.venv"
cat >> "$WORK/src/inspector/migrations.py" <<'PY'

MIGRATIONS.append("CREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY);")
LATEST_VERSION = len(MIGRATIONS)
PY
(cd "$WORK/src" && DEB_VERSION="$VERSION.1" bash packaging/build_deb.sh >/dev/null)
cp "$WORK/src/build/packages/social-org-inspector_${VERSION}.1_"*.deb "$WORK/B.deb"

cleanup() { for m in proc dev/pts dev; do umount "$ROOT/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
cleanup; rm -rf "$ROOT"; mkdir -p "$ROOT"; tar -C "$ROOT" -xf "$BASE"
mount -t proc proc "$ROOT/proc"; mount --bind /dev "$ROOT/dev"; mount --bind /dev/pts "$ROOT/dev/pts"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"; cp "$WORK/A.deb" "$WORK/B.deb" "$ROOT/tmp/"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
as_user() { chroot --userspec=inspector:inspector "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin \
  HOME=/home/inspector LANG=C.UTF-8 INSPECTOR_PASSWORD=demo-password "$@"; }
DB="$ROOT/home/inspector/.local/share/social-org-inspector/inspector.db"
# Read the (encrypted) store from outside, read-only, with the demo password.
store() { INSPECTOR_PASSWORD=demo-password PYTHONPATH="$PWD" .venv/bin/python - "$DB" "$1" <<'PY'
import sys
from pathlib import Path
from inspector.store import connect
from inspector.unlock import key_for
path = Path(sys.argv[1])
db = connect(path, key_for(path), read_only=True)
if sys.argv[2] == "version":
    print(db.execute("PRAGMA user_version").fetchone()[0])
else:
    print(db.execute("SELECT count(*) FROM organizations").fetchone()[0])
PY
}

in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/A.deb >/dev/null
in_root useradd -m inspector
as_user social-org-inspector demo --orgs 200 --seed 3 >/dev/null
KEYS="$DB.keys.json"
keys_before=$(sha256sum "$KEYS" | cut -d' ' -f1)
before_version=$(store version); orgs=$(store orgs)
say "A made a store: data version $before_version, $orgs organizations"

in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/B.deb >/dev/null
as_user social-org-inspector audit verify
after_version=$(store version)
say "after B: data version $after_version, $(store orgs) organizations"
[ "$after_version" -eq $((before_version + 1)) ] && [ "$(store orgs)" -eq "$orgs" ]
[ "$(sha256sum "$KEYS" | cut -d' ' -f1)" = "$keys_before" ]
say "the encrypted store's keys are untouched by the update"
ls "$(dirname "$DB")"/inspector.db.v"$before_version"-*.bak >/dev/null
say "the backup taken before migrating: $(ls "$(dirname "$DB")" | grep '\.bak$')"

in_root env DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/A.deb >/dev/null 2>&1
sum_before=$(sha256sum "$DB" | cut -d' ' -f1)
set +e; as_user social-org-inspector audit verify > "$WORK/downgrade.txt" 2>&1; status=$?; set -e
cat "$WORK/downgrade.txt"
[ "$status" -eq 1 ] && grep -q '由较新版本的程序创建' "$WORK/downgrade.txt"
[ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum_before" ]
[ "$(sha256sum "$KEYS" | cut -d' ' -f1)" = "$keys_before" ]
say "passed: A -> B migrated with a backup; B's store refused by A, unchanged"

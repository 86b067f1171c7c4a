#!/usr/bin/env bash
# Package the desktop build as a .deb for Debian-based desktops (Debian 12, 统信 UOS, 银河麒麟).
#   bash packaging/build_deb.sh          -> build/packages/social-org-inspector_<version>_amd64.deb
# Installs to /opt/social-org-inspector, a `social-org-inspector` command, a desktop entry
# with a Chinese name and an icon. gzip, not xz: every dpkg reads it, and it builds in seconds. Each user's data stays in their own data folder
# (~/.local/share/社会组织现场检查), so removing the package leaves it.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dpkg-deb >/dev/null || { echo "构建 .deb 需要 dpkg-deb：apt-get install dpkg" >&2; exit 2; }
bash packaging/build_desktop.sh

NAME=social-org-inspector
VERSION=${DEB_VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)}
ARCH=$(dpkg --print-architecture)
ROOT=build/deb/${NAME}_${VERSION}_${ARCH}
rm -rf "$ROOT"
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/256x256/apps"
cp -a build/dist/$NAME "$ROOT/opt/$NAME"
ln -s /opt/$NAME/inspector "$ROOT/usr/bin/$NAME"
install -m 644 packaging/$NAME.png "$ROOT/usr/share/icons/hicolor/256x256/apps/$NAME.png"
install -m 644 packaging/$NAME.desktop "$ROOT/usr/share/applications/$NAME.desktop"
SIZE=$(du -sk "$ROOT/opt" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
  packaging/deb-control > "$ROOT/DEBIAN/control"
mkdir -p build/packages
dpkg-deb --root-owner-group -Zgzip --build "$ROOT" build/packages/ >/dev/null
echo "==> built build/packages/${NAME}_${VERSION}_${ARCH}.deb"

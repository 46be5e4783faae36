#!/usr/bin/env bash
# The Debian package of the release build (scripts/release.sh must have run):
#
#   .build-release/dropgen_<version>_<arch>.deb    /usr/bin/dropgen and /usr/share/man/man1/dropgen.1.gz
#
# Depends: the packages of the shared libraries it loads, as dpkg-shlibdeps finds them (cmark-gfm,
# libwebp, zlib, libc ...), and ffmpeg, which encodes a site's media. DEB_MAINTAINER overrides the
# Maintainer field. Prints the package's path.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build-release
bin=$OUT/dropgen
[ -x "$bin" ] && [ -f "$OUT/dropgen.1" ] || { echo "deb: no $bin yet: run scripts/release.sh first" >&2; exit 1; }
# A library of the toolchain has no Debian package: dpkg-shlibdeps would leave it out of Depends.
if ldd "$bin" | grep -E "libswift|libFoundation|not found" >&2; then echo "deb: $bin loads the libraries above" >&2; exit 1; fi
command -v dpkg-shlibdeps >/dev/null || { echo "deb: dpkg-shlibdeps not found: apt-get install dpkg-dev" >&2; exit 1; }
version=$("$bin" --version | sed -n 's/^dropgen \([0-9][0-9.]*\) (.*)$/\1/p')
[ -n "$version" ] || { echo "deb: cannot read the version from \`$bin --version\`" >&2; exit 1; }
arch=$(dpkg --print-architecture)
name=dropgen_${version}_${arch}
root=$OUT/deb/$name
rm -rf "$root"
install -D -m 755 "$bin" "$root/usr/bin/dropgen"
mkdir -p "$root/usr/share/man/man1"
gzip -9n < "$OUT/dropgen.1" > "$root/usr/share/man/man1/dropgen.1.gz"
chmod 644 "$root/usr/share/man/man1/dropgen.1.gz"

# dpkg-shlibdeps reads a source package's debian/control: a minimal one of its own.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
here=$PWD
printf 'Source: dropgen\n\nPackage: dropgen\nArchitecture: any\n' > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e "$here/$root/usr/bin/dropgen" 2>"$work/shlibdeps.log") \
  || { cat "$work/shlibdeps.log" >&2; echo "deb: dpkg-shlibdeps failed" >&2; exit 1; }
depends=${shlibs#shlibs:Depends=}

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: dropgen
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-dropgen developers <dropgen@localhost>}
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Depends: $depends, ffmpeg
Section: web
Priority: optional
Description: static-site generator and edge publisher for micro-drop markets
 dropgen builds a repository of scheduled drops (Markdown with YAML front matter)
 into small static pages with honest scarcity, feeds and catalogs, and publishes
 them to a folder or an S3-compatible bucket. One executable: the Swift runtime
 and the default theme are built in.
CONTROL
dpkg-deb --root-owner-group -Zgzip --build "$root" "$OUT/$name.deb" >/dev/null
echo "$OUT/$name.deb"

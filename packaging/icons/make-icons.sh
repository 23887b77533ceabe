#!/usr/bin/env bash
# Regenerates the committed icons in packaging/icons/ from resources/icons/roundtable.svg.
# Developer tool only: the build never runs it (it needs rsvg-convert from librsvg2-bin,
# `apt-get install librsvg2-bin`, and python3). Run it after changing the SVG and commit the result.
#   hicolor/NxN/apps/org.roundtable.Roundtable.png  the Linux icon theme sizes
#   roundtable.ico                                  Windows (NSIS installer, Add/Remove Programs)
#   roundtable.icns                                 macOS (the app bundle and the disk image)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
svg="$here/../../resources/icons/roundtable.svg"
id=org.roundtable.Roundtable
command -v rsvg-convert >/dev/null || { echo "make-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }

for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$here/hicolor/${size}x${size}/apps"
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$svg" \
        --output "$here/hicolor/${size}x${size}/apps/$id.png"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rsvg-convert --width 1024 --height 1024 "$svg" --output "$tmp/1024.png"

# ICO and ICNS both accept PNG-compressed images, so they are plain containers here.
python3 - "$here" "$tmp/1024.png" <<'PY'
import struct, sys, pathlib
here = pathlib.Path(sys.argv[1])
def png(size):
    return (here / f"hicolor/{size}x{size}/apps/org.roundtable.Roundtable.png").read_bytes()

# ICO: ICONDIR + ICONDIRENTRY per image (width/height 0 means 256), PNG payloads.
sizes = [16, 24, 32, 48, 64, 128, 256]
images = [png(s) for s in sizes]
offset = 6 + 16 * len(sizes)
out = struct.pack("<HHH", 0, 1, len(sizes))
for size, data in zip(sizes, images):
    out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
(here / "roundtable.ico").write_bytes(out + b"".join(images))

# ICNS: 'icns' + total length, then (type, length incl. 8-byte header, PNG) chunks.
big = pathlib.Path(sys.argv[2]).read_bytes()
chunks = [(b"icp4", png(16)), (b"icp5", png(32)), (b"ic07", png(128)), (b"ic08", png(256)),
          (b"ic09", png(512)), (b"ic11", png(32)), (b"ic12", png(64)), (b"ic13", png(256)),
          (b"ic14", png(512)), (b"ic10", big)]
body = b"".join(kind + struct.pack(">I", len(data) + 8) + data for kind, data in chunks)
(here / "roundtable.icns").write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)
PY
echo "make-icons: wrote $(find "$here/hicolor" -name '*.png' | wc -l) PNGs, roundtable.ico and roundtable.icns"

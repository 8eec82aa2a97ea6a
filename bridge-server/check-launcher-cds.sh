#!/usr/bin/env bash
# CI check of the launcher's class-data sharing: the first short command after a build writes the archive, later
# ones map it, and the image is the same pixel for pixel with it, without it and while it is being written.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
L="$ROOT/bridge-server/likeness"
OUT="$ROOT/target/cds-check"
rm -rf "$OUT" "$ROOT/target/likeness.jsa"
mkdir -p "$OUT"
args=(generate --prompt "cds check" --seed 3 --steps 2 --width 64 --height 64)
"$L" "${args[@]}" --out "$OUT/writing.png" >/dev/null 2>&1
test -s "$ROOT/target/likeness.jsa" || { echo "launcher CDS: no archive was written" >&2; exit 1; }
"$L" "${args[@]}" --out "$OUT/mapped.png" >/dev/null 2>&1
LIKENESS_NO_CDS=1 "$L" "${args[@]}" --out "$OUT/plain.png" >/dev/null 2>&1
python3 - "$OUT" <<'PY'
import sys, zlib, struct, pathlib
def pixels(path):  # the decompressed IDAT stream (the text chunk's key order may differ between runs)
    data = path.read_bytes()[8:]
    idat = b""
    while data:
        n, kind = struct.unpack(">I4s", data[:8])
        if kind == b"IDAT":
            idat += data[8:8 + n]
        data = data[12 + n:]
    return zlib.decompress(idat)
out = pathlib.Path(sys.argv[1])
a, b, c = (pixels(out / n) for n in ("writing.png", "mapped.png", "plain.png"))
if not (a == b == c):
    sys.exit("launcher CDS: the images differ")
print("launcher CDS: archive written, mapped, images identical")
PY

#!/usr/bin/env bash
# Makes the README screenshots in docs/: Krita's Likeness docker (Krita GUI under Xvfb, a helper plug-in drives it)
# and GIMP 3's Generate dialog (GIMP GUI under Xvfb in the trixie chroot). Needs what run-editor-tests.sh needs,
# plus xvfb/xauth/x11-apps/imagemagick on the host. Not part of CI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CI_DIR="$ROOT/plugin-scripts/ci"
DOCS="$ROOT/docs"
WORK=$(mktemp -d /tmp/likeness-shots.XXXXXX)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${CHROOT:-}" ] && { umount "$CHROOT/proc" 2>/dev/null || true; rm -rf "${CHROOT:?}/tmp/likeness-shot"; }
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$DOCS" "$WORK/data" "$WORK/models"
JAR="$ROOT/target/likeness.jar"
CP="$JAR:$ROOT/target/lib/*"
LIKENESS_MODELS="$WORK/models" DJL_OFFLINE=true java -Dlikeness.home="$ROOT" -jar "$JAR" serve --port 0 \
  --data-dir "$WORK/data" --no-py4j >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do [ -s "$WORK/data/runtime.json" ] && break; sleep 0.5; done
install_plugins() { java -Dlikeness.home="$ROOT" -cp "$CP" dev.likeness.cli.InstallPluginsCommand "$@"; }

# -- Krita -----------------------------------------------------------------------------------------------------------
KHOME="$WORK/krita-home"
PYK="$KHOME/.local/share/krita/pykrita"
install_plugins --skip-gimp --krita "$PYK"
cp -r "$CI_DIR/krita_shot/likeness_shot" "$CI_DIR/krita_shot/likeness_shot.desktop" "$PYK/"
mkdir -p "$KHOME/.config" "$WORK/xdg" "$WORK/shots"
chmod 700 "$WORK/xdg"
printf '[python]\nenable_likeness=true\nenable_likeness_shot=true\n' >"$KHOME/.config/kritarc"
HOME="$KHOME" XDG_RUNTIME_DIR="$WORK/xdg" LIKENESS_DATA_DIR="$WORK/data" LIKENESS_SHOT_DIR="$WORK/shots" \
  timeout 180 xvfb-run -a -s '-screen 0 1440x900x24' krita --nosplash >"$WORK/krita.log" 2>&1 || true
ls -la "$WORK/shots"
cp "$WORK/shots/krita-window.png" "$DOCS/krita-likeness-window.png"
cp "$WORK/shots/krita-docker.png" "$DOCS/krita-likeness-docker.png"

# -- GIMP 3 ------------------------------------------------------------------------------------------------------------
CHROOT=$("$CI_DIR/gimp-chroot.sh")
G="$CHROOT/tmp/likeness-shot"
mkdir -p "$G/home/.config/likeness"
install_plugins --skip-krita --gimp "$G/home/.config/GIMP/3.0/plug-ins"
python3 - "$WORK/data/runtime.json" "$G/home/.config/likeness/plugin-settings.json" <<'PY'
import json, sys
rt = json.load(open(sys.argv[1]))
json.dump({"url": rt["url"], "token": rt["token"]}, open(sys.argv[2], "w"))
PY
cat >"$G/shot.py" <<'PY'
from gi.repository import Gimp, Gegl
img = Gimp.Image.new(512, 384, Gimp.ImageBaseType.RGB)
bg = Gimp.Layer.new(img, "Background", 512, 384, Gimp.ImageType.RGB_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
img.insert_layer(bg, None, 0)
bg.fill(Gimp.FillType.WHITE)
Gimp.Display.new(img)
proc = Gimp.get_pdb().lookup_procedure("plug-in-likeness-generate")
cfg = proc.create_config()
cfg.set_property("run-mode", Gimp.RunMode.INTERACTIVE)
cfg.set_property("image", img)
cfg.set_core_object_array("drawables", [bg])
cfg.set_property("prompt", "a watercolor portrait of {} in a garden")
proc.run(cfg)
PY
mkdir -p "$CHROOT/proc"
mount -t proc proc "$CHROOT/proc"
timeout 120 chroot "$CHROOT" env -i PATH=/usr/bin:/bin HOME=/tmp/likeness-shot/home LANG=C.UTF-8 \
  xvfb-run -n 77 -s '-screen 0 1280x800x24' sh -c \
  "gimp-3.0 --no-splash --batch-interpreter=python-fu-eval -b \"exec(open('/tmp/likeness-shot/shot.py').read())\" & \
   sleep 45; xwd -root -silent -out /tmp/likeness-shot/gimp.xwd; kill \$!" >"$WORK/gimp.log" 2>&1 || true
convert "xwd:$G/gimp.xwd" -trim +repage "$DOCS/gimp-likeness-generate.png"  # no window manager: cut the empty root
ls -la "$DOCS"

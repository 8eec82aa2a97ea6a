#!/usr/bin/env bash
# Headless editor tests: the real Likeness server (demo model) on a random loopback port, Krita (kritarunner,
# offscreen) and GIMP 3 (gimp-console-3.0 in a Debian trixie chroot) running our installed plug-ins against it.
#
#   plugin-scripts/run-editor-tests.sh [--krita-only | --gimp-only]
#
# Needs root (apt-get, debootstrap, chroot) and target/likeness.jar (mvn -DskipTests package). The chroot is cached
# in $LIKENESS_CI_CACHE (default /var/cache/likeness-ci). Server job kinds that answer 503 NO_RUNNER are reported
# as NOT SUPPORTED YET; LIKENESS_REQUIRE_ALL_RUNNERS=1 (set by .ci/run) turns them into failures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CI_DIR="$ROOT/plugin-scripts/ci"
CACHE="${LIKENESS_CI_CACHE:-/var/cache/likeness-ci}"
RUN_KRITA=1
RUN_GIMP=1
case "${1:-}" in
  --krita-only) RUN_GIMP=0 ;;
  --gimp-only) RUN_KRITA=0 ;;
  "") ;;
  *) echo "usage: $0 [--krita-only | --gimp-only]" >&2; exit 2 ;;
esac

WORK=$(mktemp -d /tmp/likeness-editor-tests.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${CHROOT:-}" ] && [ -n "${CHROOT_WORK:-}" ]; then rm -rf "${CHROOT:?}/${CHROOT_WORK:?}"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
T0=$(date +%s)
stage() { echo "== [$(( $(date +%s) - T0 ))s] $*"; }

# -- packages -------------------------------------------------------------------------------------------------------
if [ "$RUN_KRITA" = 1 ] && ! { command -v kritarunner >/dev/null && /usr/bin/python3 -c 'import PyQt5, PyQt6' 2>/dev/null; }; then
  stage "installing krita (apt), and PyQt6 for the Qt6 smoke test"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq
  timeout 900 apt-get install -y -qq --no-install-recommends krita python3-pyqt5 python3-sip python3-pyqt6 >/dev/null
fi
if [ "$RUN_GIMP" = 1 ]; then
  stage "GIMP 3 chroot (Debian trixie) in $CACHE"
  command -v debootstrap >/dev/null || {
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq
    timeout 300 apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  CHROOT=$(LIKENESS_CI_CACHE="$CACHE" timeout 1500 "$CI_DIR/gimp-chroot.sh")
fi

# -- server ---------------------------------------------------------------------------------------------------------
JAR="$ROOT/target/likeness.jar"
[ -f "$JAR" ] || { echo "run-editor-tests: $JAR is missing; build it with: mvn -B -DskipTests package" >&2; exit 2; }
CP="$JAR:$ROOT/target/lib/*"
stage "starting the Likeness server (demo model)"
mkdir -p "$WORK/data" "$WORK/models"
LIKENESS_MODELS="$WORK/models" DJL_OFFLINE=true java -Dlikeness.home="$ROOT" -jar "$JAR" serve --port 0 \
  --data-dir "$WORK/data" --no-py4j >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  [ -s "$WORK/data/runtime.json" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "run-editor-tests: server exited" >&2; exit 1; }
  sleep 0.5
done
[ -s "$WORK/data/runtime.json" ] || { echo "run-editor-tests: server did not start in 120 s" >&2; exit 1; }
URL=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["url"])' "$WORK/data/runtime.json")
stage "server at $URL"
install_plugins() { java -Dlikeness.home="$ROOT" -cp "$CP" dev.likeness.cli.InstallPluginsCommand "$@"; }

RESULTS=()
# -- Krita ----------------------------------------------------------------------------------------------------------
if [ "$RUN_KRITA" = 1 ]; then
  KHOME="$WORK/krita-home"
  mkdir -p "$KHOME" "$WORK/xdg"
  chmod 700 "$WORK/xdg"
  install_plugins --skip-gimp --krita "$KHOME/.local/share/krita/pykrita"
  stage "Krita $(dpkg-query -W -f '${Version}' krita 2>/dev/null || true): kritarunner, offscreen"
  set +e
  # The plug-in finds the server through runtime.json (LIKENESS_DATA_DIR), as a local user's would.
  HOME="$KHOME" XDG_RUNTIME_DIR="$WORK/xdg" LIKENESS_DATA_DIR="$WORK/data" QT_QPA_PLATFORM=offscreen \
    PYTHONPATH="$CI_DIR:$KHOME/.local/share/krita/pykrita" \
    timeout 300 env -u DISPLAY kritarunner -s krita_runner_test -f main "$WORK/krita.json" >"$WORK/krita.log" 2>&1
  rc=$?
  set -e
  grep -E '^(PASS|FAIL|NO_RUNNER) ' "$WORK/krita.log" || true
  if [ ! -s "$WORK/krita.json" ]; then
    echo "run-editor-tests: Krita wrote no results (exit $rc); its log:" >&2
    tail -n 40 "$WORK/krita.log" >&2
    echo '[{"check": "krita run", "status": "FAIL", "detail": "no results"}]' >"$WORK/krita.json"
  fi
  RESULTS+=("krita=$WORK/krita.json")

  # Krita 6 uses PyQt6: build the docker with both bindings outside Krita (stand-in krita module).
  mkdir -p "$ROOT/target/editor-screenshots"
  for major in 5 6; do
    stage "docker widgets with PyQt$major (offscreen, outside Krita)"
    if HOME="$KHOME" XDG_RUNTIME_DIR="$WORK/xdg" LIKENESS_DATA_DIR="$WORK/no-server" QT_QPA_PLATFORM=offscreen \
        timeout 120 /usr/bin/python3 "$CI_DIR/qt_smoke.py" "$major" "$KHOME/.local/share/krita/pykrita" \
        "$ROOT/target/editor-screenshots/krita-docker-training-qt$major.png" \
        >"$WORK/qt$major.log" 2>&1; then
      echo "PASS docker and actions build with PyQt$major"
      echo "[{\"check\": \"docker with PyQt$major\", \"status\": \"PASS\", \"detail\": \"\"}]" >"$WORK/qt$major.json"
    else
      tail -n 20 "$WORK/qt$major.log"
      python3 -c 'import json,sys;json.dump([{"check":"docker with PyQt"+sys.argv[1],"status":"FAIL","detail":open(sys.argv[2]).read()[-1500:]}],open(sys.argv[3],"w"))' \
        "$major" "$WORK/qt$major.log" "$WORK/qt$major.json"
    fi
    RESULTS+=("krita-qt$major=$WORK/qt$major.json")
  done
fi

# -- GIMP 3 ---------------------------------------------------------------------------------------------------------
if [ "$RUN_GIMP" = 1 ]; then
  CHROOT_WORK="tmp/likeness-test-$$"
  G="$CHROOT/$CHROOT_WORK"
  mkdir -p "$G/home/.config/likeness" "$G/out"
  install_plugins --skip-krita --gimp "$G/home/.config/GIMP/3.0/plug-ins"
  # The plug-in finds the server through its saved settings (URL + token), as with a remote server.
  python3 - "$WORK/data/runtime.json" "$G/home/.config/likeness/plugin-settings.json" <<'EOF'
import json, sys
rt = json.load(open(sys.argv[1]))
json.dump({"url": rt["url"], "token": rt["token"]}, open(sys.argv[2], "w"))
EOF
  cp "$CI_DIR/gimp_batch_test.py" "$G/test.py"
  stage "GIMP $(chroot "$CHROOT" gimp-console-3.0 --version 2>/dev/null | head -n 1 || true): batch, no display"
  set +e
  timeout 300 chroot "$CHROOT" env -i PATH=/usr/bin:/bin HOME="/$CHROOT_WORK/home" LANG=C.UTF-8 \
    LIKENESS_PLUGIN_DIR="/$CHROOT_WORK/home/.config/GIMP/3.0/plug-ins/likeness" \
    LIKENESS_TEST_OUT="/$CHROOT_WORK/out/gimp.json" \
    gimp-console-3.0 -i --batch-interpreter=python-fu-eval -b "exec(open('/$CHROOT_WORK/test.py').read())" --quit \
    >"$WORK/gimp.log" 2>&1
  rc=$?
  set -e
  grep -E '^(PASS|FAIL|NO_RUNNER) ' "$WORK/gimp.log" || true
  if [ -s "$G/out/gimp.json" ]; then
    cp "$G/out/gimp.json" "$WORK/gimp.json"
  else
    echo "run-editor-tests: GIMP wrote no results (exit $rc); its log:" >&2
    tail -n 40 "$WORK/gimp.log" >&2
    echo '[{"check": "gimp run", "status": "FAIL", "detail": "no results"}]' >"$WORK/gimp.json"
  fi
  RESULTS+=("gimp=$WORK/gimp.json")

  # The interactive progress window (live preview + Cancel) with Gtk 3 under Xvfb: GIMP's batch mode has no windows.
  if ! { command -v xvfb-run >/dev/null && /usr/bin/python3 -c 'import gi; gi.require_version("Gtk", "3.0")' \
      2>/dev/null; }; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get install -y -qq --no-install-recommends xvfb xauth python3-gi gir1.2-gtk-3.0 >/dev/null
  fi
  stage "GIMP progress window with Gtk 3 (Xvfb): live preview"
  mkdir -p "$ROOT/target/editor-screenshots"
  if timeout 120 xvfb-run -a /usr/bin/python3 "$CI_DIR/gtk_smoke.py" "$G/home/.config/GIMP/3.0/plug-ins/likeness" \
      "$ROOT/target/editor-screenshots/gimp-progress-preview.png" >"$WORK/gtk.log" 2>&1; then
    echo "PASS GIMP progress window shows the live preview"
    echo '[{"check": "GIMP progress window preview", "status": "PASS", "detail": ""}]' >"$WORK/gtk.json"
  else
    tail -n 20 "$WORK/gtk.log"
    python3 -c 'import json,sys;json.dump([{"check":"GIMP progress window preview","status":"FAIL","detail":open(sys.argv[1]).read()[-1500:]}],open(sys.argv[2],"w"))' \
      "$WORK/gtk.log" "$WORK/gtk.json"
  fi
  RESULTS+=("gimp-gtk=$WORK/gtk.json")
fi

stage "summary"
python3 - "${LIKENESS_REQUIRE_ALL_RUNNERS:-0}" "${RESULTS[@]}" <<'EOF'
import json, sys
require = sys.argv[1] == "1"
passed = failed = missing = 0
waiting = []
for arg in sys.argv[2:]:
    editor, path = arg.split("=", 1)
    for c in json.load(open(path)):
        if c["status"] == "PASS":
            passed += 1
        elif c["status"] == "NO_RUNNER" and not require:
            missing += 1
            waiting.append("%s: %s" % (editor, c["check"]))
        else:
            failed += 1
            print("FAILED %s: %s -- %s" % (editor, c["check"], c["detail"][:2000]))
if waiting:
    print("NOT SUPPORTED YET by this server build (503 NO_RUNNER), assertions not run: " + ", ".join(waiting))
    print("  (set LIKENESS_REQUIRE_ALL_RUNNERS=1 to make these failures)")
print("editors: %d passed, %d failed, %d skipped" % (passed, failed, missing))
sys.exit(1 if failed else 0)
EOF

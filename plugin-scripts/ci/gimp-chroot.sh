#!/usr/bin/env bash
# Builds (once) a Debian trixie chroot with GIMP 3 for the headless GIMP tests, under $LIKENESS_CI_CACHE
# (default /var/cache/likeness-ci) so CI runs on the same machine reuse it. Prints the chroot path.
# The mirror is the one the host's apt already uses. Needs root and debootstrap.
set -euo pipefail
CACHE="${LIKENESS_CI_CACHE:-/var/cache/likeness-ci}"
ROOT="$CACHE/trixie-gimp"
STAMP="$ROOT/.likeness-ready"

if [ -f "$STAMP" ]; then
  echo "$ROOT"
  exit 0
fi

mirror() {
  local uri
  uri=$(grep -h -E '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
        | grep -v -- '-security' | head -n 1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -h -E '^\s*deb\s' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' \
          | head -n 1 || true)
  fi
  [ -n "$uri" ] || { echo "gimp-chroot: no Debian mirror in the host's apt sources" >&2; exit 3; }
  echo "$uri"
}

command -v debootstrap >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}
MIRROR=$(mirror)
rm -rf "$ROOT"
mkdir -p "$CACHE"
echo "gimp-chroot: debootstrap trixie from the host's mirror into $ROOT" >&2
timeout 900 debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || {
  echo "gimp-chroot: debootstrap failed; last lines of $CACHE/debootstrap.log:" >&2
  tail -n 20 "$CACHE/debootstrap.log" >&2
  exit 3
}
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# GIMP's packages resolve with apt inside the chroot (debootstrap --include fails at configure time).
timeout 900 chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive sh -c \
  'apt-get update -qq && apt-get install -y -qq --no-install-recommends gimp python3-gi gir1.2-gimp-3.0 \
   xvfb xauth x11-apps && apt-get clean' >"$CACHE/apt-chroot.log" 2>&1 || {
  echo "gimp-chroot: installing GIMP in the chroot failed; last lines of $CACHE/apt-chroot.log:" >&2
  tail -n 20 "$CACHE/apt-chroot.log" >&2
  exit 3
}
touch "$STAMP"
echo "$ROOT"

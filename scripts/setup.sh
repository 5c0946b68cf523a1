#!/usr/bin/env bash
# Installs what Cloud Eye needs on a Debian machine: system packages (when missing) and npm packages.
# Used by the quick start (`npm run demo`) and by CI. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(ffmpeg chromium postgresql-15-postgis-3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp
      gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
      gstreamer1.0-libav gstreamer1.0-x iproute2 fonts-noto-cjk wrk mosquitto
      g++ make python3)  # g++, make, python3: node-gyp builds better-sqlite3 when its prebuilt binary is out of reach
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# a node_modules that is a link belongs to another checkout (a git worktree sharing it): never reinstalled from here
if [ ! -L node_modules ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund
fi

#!/usr/bin/env bash
# Installs everything Roundtable needs to build, run and test on Debian 12.
# Idempotent; run as root or with sudo available. Non-interactive.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
        echo "install-deps: run as root or install sudo" >&2
        exit 1
    fi
fi

packages=(
    # build
    build-essential cmake ninja-build pkg-config git clang-format
    # Qt 6.4 (Debian 12)
    qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qt6-charts-dev libqt6opengl6-dev
    libqt6sql6-sqlite libqt6sql6-psql qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools
    qt6-translations-l10n libgl-dev
    # running the window without a desktop, fonts for readable screenshots
    xvfb xauth fonts-dejavu-core fonts-droid-fallback fonts-noto-color-emoji
    # tests: PostgreSQL server, coverage report, helper scripts
    postgresql gcovr python3 procps
    # tests: the real Prometheus (promtool check metrics, a throwaway scrape)
    prometheus
    # tests: the viewer page in a real browser (js_viewer_browser drives it with playwright-core)
    chromium
    # tests: a throwaway self-signed certificate for the TLS viewer test
    openssl
    # packaging (tests/packaging): a clean Debian root, the RPM and NSIS packages, the
    # desktop file and AppStream validators, man pages (groff, man -l)
    debootstrap rpm nsis desktop-file-utils appstream groff-base man-db
)
# Node (for the ollama-js cross-check and the benchmark). Keep a newer
# node if one is already installed; Debian's nodejs otherwise.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "install-deps: all packages already installed"
fi

#!/usr/bin/env bash
# The packages, built and tried as a user would (ctest -R packaging; packaging/README.md):
#  1. cpack DEB, RPM, TGZ and NSIS from the build tree;
#  2. the DEB's control fields, stripped binaries and file list (= the FHS list, = the RPM's,
#     = the tarball's);
#  3. a clean Debian 12 root (debootstrap --variant=minbase, cached as a tarball in the build
#     dir), the DEB installed there with apt-get (Depends only, so nothing on this machine can
#     hide a missing dependency), then inside it: roundtable --version, the installed simulator,
#     roundtable chat and debate against it, the window offscreen (--demo, a PNG), the bash
#     completion; desktop-file-validate and appstreamcli validate on the installed files; then
#     the Recommends (the PostgreSQL driver loads) and apt-get remove --purge: no file of the
#     package is left.
# Needs root and the Debian mirror of this machine's apt sources; exits 77 (ctest: skipped)
# without them. Takes a few minutes the first time (debootstrap), about a minute after.
#   package-test.sh BUILD_DIR SOURCE_DIR VERSION CPACK
# RT_BUILD_LOCK=FILE: run cpack under flock(1) FILE (to keep out of a build of the same tree).
set -euo pipefail
build="$(cd "${1:?build dir}" && pwd)"
src="$(cd "${2:?source dir}" && pwd)"
version="${3:?project version}"
cpack="${4:-cpack}"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=expected-files.sh
source "$here/expected-files.sh"

id=org.roundtable.Roundtable
work="$build/packaging-test"
pkg="$work/packages"
cache="$work/debian12-minbase.tar"
root="$work/root"
logs="$work/logs"
start=$SECONDS
declare -a timings=()
step_name=""
step_start=$SECONDS

elapsed() { printf '%dm%02ds' $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)); }
end_step() { [ -z "$step_name" ] || timings+=("$(printf '%4ds  %s' $((SECONDS - step_start)) "$step_name")"); }
step() { end_step; step_name="$*"; step_start=$SECONDS; echo; echo "== [$(elapsed)] $*"; }
fail() { echo "packaging: FAIL: $*" >&2; exit 1; }
skip() { echo "packaging: SKIPPED: $*"; exit 77; }

# ---------------------------------------------------------------- preconditions
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot and mount); run ctest as root to test the packages"

# The Debian mirror this machine uses for bookworm (deb822 .sources or one-line .list).
find_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN{RS=""}
             /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ && !/(^|\n)Enabled:[ \t]*no/ {
                 if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) { s = substr($0, RSTART, RLENGTH); sub(/.*URIs:[ \t]*/, "", s); print s; exit } }' "$f"
    done
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
        | awk '$1 == "deb" { u = ""; for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { u = $i; s = $(i+1); break }
                             if (s == "bookworm") print u }'
}
security_mirror() {
    { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk 'BEGIN{RS=""} /bookworm-security/ {
        if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", s); print s; exit } }'
}
mirror=$(find_mirror | head -n 1) || true
mirror="${mirror:-http://deb.debian.org/debian}"
security=$(security_mirror | head -n 1) || true
mirror_host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$mirror")
mirror_port=80
[[ $mirror == https:* ]] && mirror_port=443
if ! timeout 10 bash -c "exec 3<>/dev/tcp/$mirror_host/$mirror_port" 2>/dev/null; then
    skip "no network: cannot reach the Debian mirror $mirror ($mirror_host:$mirror_port) for the clean root"
fi
for tool in debootstrap chroot dpkg-deb rpm rpmbuild makensis readelf desktop-file-validate appstreamcli tar mount; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs it)"
done
echo "packaging: Roundtable $version, mirror $mirror${security:+, security $security}, work dir $work"

# ---------------------------------------------------------------- the clean root's mounts
# Everything mounted under $root is unmounted on every exit; nothing under $root is deleted
# while something is still mounted there.
mounts_under_root() { awk -v r="$root/" 'index($2 "/", r) == 1 { print $2 }' /proc/mounts | sort -r; }
stop_root_processes() {
    # Processes started in the root by this test (the simulator, the demo's simulator).
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
    done
}
unmount_root() {
    local m
    [ -d "$root" ] || return 0
    stop_root_processes
    for m in $(mounts_under_root); do umount "$m" 2>/dev/null || umount -l "$m" || true; done
    [ -z "$(mounts_under_root)" ] || { echo "packaging: still mounted under $root: $(mounts_under_root)" >&2; return 1; }
}
remove_root() {
    unmount_root || fail "cannot unmount everything under $root; not deleting it"
    rm -rf "$root"
}
cleanup() {
    local rc=$?
    local unmounted=1
    unmount_root || unmounted=0
    if [ $rc = 0 ] && [ $unmounted = 1 ]; then rm -rf "$root"; elif [ -d "$root" ]; then echo "packaging: the root is kept: $root" >&2; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() {
    env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
        RT_VERSION="$version" chroot "$root" /bin/bash /tmp/rt/inside-root.sh "$@"
}

mkdir -p "$work" "$logs"

# ---------------------------------------------------------------- 1. the packages
step "cpack: DEB, RPM, TGZ and NSIS into $pkg"
rm -rf "$pkg"
mkdir -p "$pkg"
run_cpack() {
    local gen="$1" lock=()
    [ -n "${RT_BUILD_LOCK:-}" ] && lock=(flock "$RT_BUILD_LOCK")
    if ! (cd "$build" && "${lock[@]}" "$cpack" -G "$gen" -B "$pkg" >"$logs/cpack-$gen.log" 2>&1); then
        tail -30 "$logs/cpack-$gen.log" >&2
        fail "cpack -G $gen failed (log: $logs/cpack-$gen.log)"
    fi
    echo "  cpack -G $gen: $(sed -n 's/^CPack: - package: \(.*\) generated\./\1/p' "$logs/cpack-$gen.log" | xargs -r -n1 basename)"
}
for gen in DEB RPM TGZ NSIS; do run_cpack "$gen"; done
deb=$(ls "$pkg"/roundtable_"$version"-*_*.deb)
rpm=$(ls "$pkg"/roundtable-"$version"-*.rpm)
tgz=$(ls "$pkg"/roundtable-"$version"-*.tar.gz)
exe=$(ls "$pkg"/roundtable-"$version"-*.exe)

# ---------------------------------------------------------------- 2. what the packages hold
step "DEB control fields"
for f in Package Version Architecture Depends Recommends Suggests; do
    printf '  %-12s %s\n' "$f:" "$(dpkg-deb -f "$deb" "$f")"
done
[ "$(dpkg-deb -f "$deb" Version)" = "$version-1" ] || fail "the DEB's version is not $version-1"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libqt6sql6-sqlite libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6sql6; do
    grep -qE "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep (shlibdeps or CPACK_DEBIAN_PACKAGE_DEPENDS)"
done
recommends=$(dpkg-deb -f "$deb" Recommends)
for dep in libqt6sql6-psql qt6-translations-l10n; do
    grep -qE "(^|, )$dep( |,|$)" <<<"$recommends" || fail "Recommends lacks $dep"
done

step "stripped binaries"
rm -rf "$work/deb-content"
dpkg-deb -x "$deb" "$work/deb-content"
for bin in roundtable roundtable-ollama-sim; do
    sections=$(readelf -S --wide "$work/deb-content/usr/bin/$bin")
    if grep -qE '\.(debug_[a-z]+|symtab) ' <<<"$sections"; then fail "/usr/bin/$bin in the DEB is not stripped"; fi
    echo "  /usr/bin/$bin: stripped, $(stat -c %s "$work/deb-content/usr/bin/$bin") bytes"
done

step "file lists: DEB = FHS list = RPM = TGZ"
rt_expected_files "$src" | sed 's|^|/usr/|' >"$work/expected.txt"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $NF }' | sed 's|^\./|/|' | LC_ALL=C sort >"$work/deb-files.txt"
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm" 2>/dev/null | awk '$1 !~ /^d/ { print $2 }' | LC_ALL=C sort >"$work/rpm-files.txt"
tar -tzf "$tgz" | grep -v '/$' | sed 's|^[^/]*/|/usr/|' | LC_ALL=C sort >"$work/tgz-files.txt"
diff -u "$work/expected.txt" "$work/deb-files.txt" || fail "the DEB's files differ from the FHS list (- expected, + DEB)"
diff -u "$work/deb-files.txt" "$work/rpm-files.txt" || fail "the RPM's files differ from the DEB's (- DEB, + RPM)"
diff -u "$work/deb-files.txt" "$work/tgz-files.txt" || fail "the tarball's files differ from the DEB's (- DEB, + TGZ, /usr for the top folder)"
echo "  $(wc -l <"$work/deb-files.txt") files, the same in $(basename "$deb"), $(basename "$rpm") and $(basename "$tgz")"
echo "  RPM requires (rpmbuild's scan): $(rpm -qpR "$rpm" 2>/dev/null | grep -c .) capabilities, e.g. $(rpm -qpR "$rpm" 2>/dev/null | grep -m3 Qt6 | tr '\n' ' ')"

step "NSIS installer script compiled by makensis"
nsi="$pkg/_CPack_Packages/Linux/NSIS/project.nsi"
[ -f "$nsi" ] || fail "no generated NSIS script at $nsi"
[ "$(head -c 2 "$exe")" = "MZ" ] || fail "$exe is not a Windows executable"
grep -q 'MUI_PAGE_LICENSE ".*LICENSE"' "$nsi" || fail "the installer has no licence page"
grep -qF 'CreateShortCut "$SMPROGRAMS\$STARTMENU_FOLDER\Roundtable.lnk" "$INSTDIR\bin\roundtable.exe"' "$nsi" \
    || fail "the installer creates no Start-menu shortcut to bin\\roundtable.exe"
grep -q 'CurrentVersion\\Uninstall\\Roundtable' "$nsi" || fail "no Add/Remove Programs entry"
grep -q 'MUI_ICON ".*roundtable.ico"' "$nsi" || fail "the installer has no icon"
grep -q '"DisplayIcon"' "$nsi" || fail "no Add/Remove Programs icon"
echo "  $(basename "$exe"): $(stat -c %s "$exe") bytes; licence page, Start-menu shortcut, uninstall entry with icon"
echo "  (the installer contains this Linux build and is not run; see packaging/README.md for Windows)"

# ---------------------------------------------------------------- 3. a clean Debian 12 root
step "clean Debian 12 root"
remove_root
if [ -s "$cache" ]; then
    mkdir -p "$root"
    tar -C "$root" --numeric-owner -xpf "$cache"
    echo "  from the cached $cache ($(du -h "$cache" | cut -f1))"
else
    echo "  debootstrap --variant=minbase bookworm $root $mirror (cached afterwards; log: $logs/debootstrap.log)"
    if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$logs/debootstrap.log" 2>&1; then
        tail -20 "$logs/debootstrap.log" >&2
        unmount_root || true
        fail "debootstrap failed"
    fi
    unmount_root || fail "debootstrap left mounts under $root"
    tar -C "$root" --numeric-owner -cpf "$cache.tmp" . && mv "$cache.tmp" "$cache"
    echo "  cached as $cache ($(du -h "$cache" | cut -f1))"
fi
{
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [ -z "$security" ] || echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"   # no services start in the root
chmod +x "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/tmp/rt" "$work/apt-archives/partial"
cp "$deb" "$here/inside-root.sh" "$here/completion-test.sh" "$root/tmp/rt/"
mount -t proc proc "$root/proc"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs -o size=64m tmpfs "$root/dev/shm"
# Downloaded .debs are kept in the build dir, so a re-run downloads nothing new.
mount --bind "$work/apt-archives" "$root/var/cache/apt/archives"

step "apt-get install ./$(basename "$deb") in the clean root (Depends only)"
in_root install

step "run the installed package in the clean root"
in_root run
mkdir -p "$build/screenshots"
cp "$root/tmp/rt/installed-window.png" "$build/screenshots/installed-window.png"
echo "  copied to $build/screenshots/installed-window.png"

step "bash completion in the clean root"
in_root completion

step "validate the installed desktop file and metainfo"
out=$(desktop-file-validate "$root/usr/share/applications/$id.desktop" 2>&1) || fail "desktop-file-validate: $out"
[ -z "$out" ] || fail "desktop-file-validate: $out"
echo "  desktop-file-validate /usr/share/applications/$id.desktop: valid"
out=$(appstreamcli validate --no-net "$root/usr/share/metainfo/$id.metainfo.xml" 2>&1) || { echo "$out" >&2; fail "appstreamcli validate failed"; }
if grep -qE '^(E|W):' <<<"$out"; then echo "$out" >&2; fail "appstreamcli validate reports errors or warnings"; fi
echo "  appstreamcli validate --no-net /usr/share/metainfo/$id.metainfo.xml: $(grep -v '^$' <<<"$out" | tr '\n' ' ')"

step "the Recommends in the clean root"
in_root recommends
cp "$root/tmp/rt/installed-debate-live.png" "$build/screenshots/installed-debate-live.png"
echo "  copied to $build/screenshots/installed-debate-live.png"

step "apt-get remove --purge roundtable: nothing of the package is left"
in_root remove
left=()
while read -r f; do
    [ -e "$root$f" ] || [ -L "$root$f" ] && left+=("$f")
done <"$work/deb-files.txt"
[ ${#left[@]} = 0 ] || fail "left in the root after apt-get remove --purge: ${left[*]}"
for d in /usr/share/roundtable /usr/share/doc/roundtable; do
    [ ! -e "$root$d" ] || fail "$d is left after apt-get remove --purge"
done
echo "  none of the $(wc -l <"$work/deb-files.txt") files is left"

end_step
echo
echo "packaging: OK in $(elapsed)"
printf '  %s\n' "${timings[@]}"

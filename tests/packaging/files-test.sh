#!/usr/bin/env bash
# The install tree without packaging it: cmake --install into a scratch prefix, then
#  - exactly the FHS file list (expected-files.sh),
#  - desktop-file-validate and appstreamcli validate --no-net (no warnings),
#  - the metainfo's release is the project version, its screenshots are installed,
#  - both man pages through groff -man -ww (no warnings) and man -l, every command in them,
#  - the bash completion (completion-test.sh).
#   files-test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build="$(cd "${1:?build dir}" && pwd)"
src="$(cd "${2:?source dir}" && pwd)"
version="${3:?project version}"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=expected-files.sh
source "$here/expected-files.sh"
id=org.roundtable.Roundtable

step() { echo; echo "== $*"; }
fail() { echo "packaging_files: FAIL: $*" >&2; exit 1; }
for tool in desktop-file-validate appstreamcli groff man zcat; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs it)"
done

work="$build/packaging-test/files"
stage="$work/stage"
rm -rf "$work"
mkdir -p "$work"

step "cmake --install into $stage"
cmake --install "$build" --prefix "$stage" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "cmake --install failed (is the build complete? the man pages are built with 'all')"; }

step "FHS file list"
(cd "$stage" && find . -type f -o -type l) | sed 's|^\./||' | LC_ALL=C sort >"$work/files.txt"
rt_expected_files "$src" >"$work/expected.txt"
if ! diff -u "$work/expected.txt" "$work/files.txt"; then
    fail "the installed files differ from tests/packaging/expected-files.sh (- expected, + installed)"
fi
sed 's/^/  /' "$work/files.txt"

step "binaries run from the install tree"
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$stage/bin/roundtable" --version)
[ "$out" = "roundtable $version" ] || fail "roundtable --version printed '$out', expected 'roundtable $version'"
echo "  $out"
"$stage/bin/roundtable-ollama-sim" --help >/dev/null || fail "roundtable-ollama-sim --help failed"

step "desktop-file-validate"
desktop="$stage/share/applications/$id.desktop"
out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $out"
[ -z "$out" ] || fail "desktop-file-validate is not silent: $out"
grep -qx "Icon=$id" "$desktop" || fail "Icon is not $id"
grep -qx "StartupWMClass=roundtable" "$desktop" || fail "StartupWMClass is not roundtable"
grep -q "^Exec=roundtable" "$desktop" || fail "Exec does not run roundtable"
if grep '^Exec=' "$desktop" | grep -q '%[^%]'; then fail "Exec has a field code the app does not take"; fi
echo "  valid"

step "appstreamcli validate --no-net"
metainfo="$stage/share/metainfo/$id.metainfo.xml"
out=$(appstreamcli validate --no-net "$metainfo" 2>&1) || { echo "$out"; fail "appstreamcli validate failed"; }
echo "$out" | sed 's/^/  /'
if grep -qE '^(E|W):' <<<"$out"; then fail "appstreamcli reports errors or warnings"; fi
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo's release is not $version"
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" || fail "no launchable $id.desktop"
for bin in roundtable roundtable-ollama-sim; do
    grep -q "<binary>$bin</binary>" "$metainfo" || fail "metainfo does not provide $bin"
done
shots=$(grep -o '<image[^>]*>[^<]*</image>' "$metainfo" | sed 's/.*>\(.*\)<.*/\1/')
[ "$(wc -l <<<"$shots")" -ge 3 ] || fail "fewer than 3 screenshots in the metainfo"
while read -r url; do
    [ -f "$stage/share/roundtable/screenshots/$(basename "$url")" ] || fail "screenshot $url is not installed"
    echo "  screenshot $url"
done <<<"$shots"

step "man pages: groff -man -Tutf8 -ww -z, man -l"
for page in roundtable roundtable-ollama-sim; do
    gz="$stage/share/man/man1/$page.1.gz"
    warnings=$(zcat "$gz" | groff -man -Tutf8 -ww -z 2>&1) || fail "groff failed on $page.1"
    [ -z "$warnings" ] || fail "groff warnings for $page.1: $warnings"
    MANWIDTH=100 man -l "$gz" 2>"$work/man-$page.err" >"$work/man-$page.txt" || fail "man -l $page.1.gz failed: $(cat "$work/man-$page.err")"
    [ ! -s "$work/man-$page.err" ] || fail "man -l $page.1.gz: $(cat "$work/man-$page.err")"
    echo "  $page.1: $(wc -l <"$work/man-$page.txt") lines, no warnings"
done
for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
    grep -qx "$section" "$work/man-roundtable.txt" || fail "roundtable.1 has no $section section"
done
grep -q "ROUNDTABLE_DB" "$work/man-roundtable.txt" && grep -q "OLLAMA_HOST" "$work/man-roundtable.txt" \
    || fail "ENVIRONMENT does not name ROUNDTABLE_DB and OLLAMA_HOST"
# Every command of `roundtable --help` has its part in COMMANDS.
commands=$(env -u DISPLAY LC_ALL=C LANGUAGE= "$stage/bin/roundtable" --help \
    | sed -n '/^Commands/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] || fail "no commands in roundtable --help"
for cmd in $commands; do
    grep -qE "^   roundtable $cmd( |$)" "$work/man-roundtable.txt" || fail "roundtable.1 has no part for '$cmd'"
done
echo "  commands: $(tr '\n' ' ' <<<"$commands")"

step "bash completion"
bash "$here/completion-test.sh" "$stage/share/bash-completion/completions/roundtable"

echo
echo "packaging_files: OK"

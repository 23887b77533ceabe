#!/bin/bash
# Runs inside the clean Debian 12 root (chroot), one phase per call, from package-test.sh:
#   inside-root.sh install|run|completion|recommends|remove
# Files: the package and this folder's scripts are in /tmp/rt; results are written there too.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd /tmp/rt

say() { echo "   [root] $*"; }
fail() { echo "   [root] FAIL: $*" >&2; exit 1; }
apt_quiet() { apt-get -q -o Dpkg::Use-Pty=0 "$@" >>/tmp/rt/apt.log 2>&1 || { tail -30 /tmp/rt/apt.log >&2; fail "apt-get $* failed (log above)"; }; }

# A PNG that is really there: the file exists, is not empty and starts with the PNG signature.
check_png() {
    [ -s "$1" ] || fail "no screenshot at $1"
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$1 is not a PNG"
    say "screenshot $1: $(stat -c %s "$1") bytes"
}

# The Qt plugins a run loaded (from the dynamic loader's log).
plugins_loaded() {
    grep -o 'file=[^ ]*/qt6/plugins/[^ ]*' "$1" | sed 's|.*/qt6/plugins/||; s|\.avx2$||' | sort -u | tr '\n' ' '
}

phase="${1:?phase}"
case "$phase" in
install)
    # Depends only: what the package needs must come from Depends, not from Recommends.
    apt_quiet update
    before=$(dpkg-query -W -f='${Package}\n' | wc -l)
    apt_quiet install -y --no-install-recommends ./roundtable_*.deb
    after=$(dpkg-query -W -f='${Package}\n' | wc -l)
    say "apt-get install --no-install-recommends ./$(basename ./roundtable_*.deb): $((after - before)) packages installed"
    dpkg-query -W -f='${Status}' roundtable | grep -q "install ok installed" || fail "roundtable is not installed"
    ;;

run)
    out=$(roundtable --version)
    [ "$out" = "roundtable ${RT_VERSION}" ] || fail "roundtable --version printed '$out', expected 'roundtable ${RT_VERSION}'"
    say "roundtable --version: $out"
    [ "$(command -v roundtable-ollama-sim)" = /usr/bin/roundtable-ollama-sim ] || fail "roundtable-ollama-sim is not /usr/bin/roundtable-ollama-sim"

    roundtable-ollama-sim --port 0 --quiet --max-seconds 300 >/tmp/rt/sim.out 2>&1 &
    sim=$!
    trap 'kill $sim 2>/dev/null || true' EXIT
    for _ in $(seq 100); do grep -q listening /tmp/rt/sim.out && break; sleep 0.1; done
    url=$(grep -o 'http://[^ ]*' /tmp/rt/sim.out | head -n 1)
    [ -n "$url" ] || fail "the installed simulator did not start: $(cat /tmp/rt/sim.out)"
    say "roundtable-ollama-sim listening on $url"

    LD_DEBUG=files roundtable chat --ollama-host "$url" --model llama3.2:1b "hello" >/tmp/rt/chat.out 2>/tmp/rt/chat.ld \
        || fail "roundtable chat failed: $(grep -v '^ *[0-9]*:' /tmp/rt/chat.ld | tail -5)"
    [ -s /tmp/rt/chat.out ] || fail "roundtable chat printed no reply"
    say "roundtable chat --model llama3.2:1b hello: $(head -c 70 /tmp/rt/chat.out)..."
    say "  Qt plugins loaded: $(plugins_loaded /tmp/rt/chat.ld)"

    roundtable debate --ollama-host "$url" --seed 5 --rounds 2 \
        --question "What is the result of 27+12*24+28-13*1? Answer with a single number." \
        --agents "Skeptic=llama3.2:1b,Pragmatist=gemma3:1b,Ethicist=qwen3:0.6b" >/tmp/rt/debate.out 2>&1 \
        || fail "roundtable debate failed: $(tail -5 /tmp/rt/debate.out)"
    grep -q "^Answer:" /tmp/rt/debate.out || fail "roundtable debate printed no answer: $(tail -5 /tmp/rt/debate.out)"
    say "roundtable debate: $(grep -E '^(Answer|Consensus):' /tmp/rt/debate.out | tr -s ' ' | tr '\n' ' ')"

    roundtable history list >/tmp/rt/history.out 2>&1 || fail "roundtable history list failed: $(cat /tmp/rt/history.out)"
    grep -q "hello" /tmp/rt/history.out && grep -q "27+12" /tmp/rt/history.out \
        || fail "the chat and the debate are not in the history: $(cat /tmp/rt/history.out)"
    db="$HOME/.local/share/Roundtable/roundtable/roundtable.sqlite"
    [ -s "$db" ] || fail "no SQLite database at $db"
    say "stored in $db (SQLite driver works)"

    # The window, offscreen, with the bundled simulator found next to the installed binary.
    QT_QPA_PLATFORM=offscreen LD_DEBUG=files roundtable --demo --page chat --screenshot /tmp/rt/installed-window.png \
        >/tmp/rt/window.out 2>/tmp/rt/window.ld || fail "the window failed: $(grep -v '^ *[0-9]*:' /tmp/rt/window.ld | tail -5)"
    check_png /tmp/rt/installed-window.png
    say "  Qt plugins loaded: $(plugins_loaded /tmp/rt/window.ld)"

    # Without the Recommends the PostgreSQL driver is missing, and the message says so.
    if roundtable db check --db "postgresql://rt:rt@127.0.0.1:1/rt" >/tmp/rt/psql-before.out 2>&1; then
        fail "db check against a closed port succeeded"
    fi
    grep -q "libqt6sql6-psql" /tmp/rt/psql-before.out \
        || fail "without the PostgreSQL driver the message does not name libqt6sql6-psql: $(cat /tmp/rt/psql-before.out)"
    say "PostgreSQL without Recommends: $(head -n 1 /tmp/rt/psql-before.out)"
    ;;

completion)
    bash /tmp/rt/completion-test.sh /usr/share/bash-completion/completions/roundtable | tail -n 1 | sed 's/^/   [root] /'
    ;;

recommends)
    recommends=$(dpkg-query -W -f='${Recommends}' roundtable | sed 's/([^)]*)//g; s/,/ /g')
    apt_quiet install -y --no-install-recommends $recommends
    say "installed the Recommends: $recommends"
    if roundtable db check --db "postgresql://rt:rt@127.0.0.1:1/rt" >/tmp/rt/psql-after.out 2>&1; then
        fail "db check against a closed port succeeded"
    fi
    grep -q "Cannot connect to PostgreSQL" /tmp/rt/psql-after.out \
        || fail "with libqt6sql6-psql the PostgreSQL driver does not load: $(cat /tmp/rt/psql-after.out)"
    say "PostgreSQL with Recommends: $(head -n 1 /tmp/rt/psql-after.out)"
    QT_QPA_PLATFORM=offscreen roundtable --demo --page debate-live --screenshot /tmp/rt/installed-debate-live.png \
        >/tmp/rt/window2.out 2>&1 || fail "the window failed: $(tail -5 /tmp/rt/window2.out)"
    check_png /tmp/rt/installed-debate-live.png
    ;;

remove)
    apt_quiet remove --purge -y roundtable
    if dpkg-query -W -f='${Status}' roundtable 2>/dev/null | grep -q "installed"; then
        fail "roundtable is still installed after apt-get remove --purge"
    fi
    say "apt-get remove --purge -y roundtable: done"
    ;;

*)
    fail "unknown phase $phase"
    ;;
esac

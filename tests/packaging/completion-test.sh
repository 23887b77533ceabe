#!/usr/bin/env bash
# Sources a roundtable bash completion file and checks what it completes.
#   completion-test.sh FILE
# Used on the generated file in the build tree (ctest packaging_files) and on the installed
# /usr/share/bash-completion/completions/roundtable inside the clean root (package-test.sh).
set -uo pipefail
file="${1:?usage: completion-test.sh COMPLETION-FILE}"
[ -r "$file" ] || { echo "completion-test: FAIL: $file not readable" >&2; exit 1; }

# shellcheck disable=SC1090
source "$file" || { echo "completion-test: FAIL: sourcing $file failed" >&2; exit 1; }
spec=$(complete -p roundtable 2>/dev/null) || { echo "completion-test: FAIL: no 'complete' for roundtable after sourcing $file" >&2; exit 1; }
func=$(sed -n 's/.*-F \([^ ]*\) .*/\1/p' <<<"$spec")
[ -n "$func" ] || { echo "completion-test: FAIL: not a function completion: $spec" >&2; exit 1; }

# What bash would offer for LINE (the cursor at its end; a trailing space starts a new word).
# Words are split the way bash does for completion: at blanks, and '=' is a word of its own.
complete_line() {
    local line="$1"
    local -a words
    read -r -a words <<<"${line//=/ = }"
    [[ $line == *" " || $line == *"=" ]] && words+=("")
    COMP_WORDS=("${words[@]}")
    COMP_CWORD=$((${#words[@]} - 1))
    COMP_LINE="$line"
    COMP_POINT=${#line}
    COMPREPLY=()
    "$func" roundtable "${words[COMP_CWORD]}" "${words[COMP_CWORD-1]:-}"
    printf '%s\n' "${COMPREPLY[@]}" | sort
}

# File names are completed from an empty scratch folder with one file in it.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" && : >shot.png

failures=0
checks=0
# expect LINE WORD...: every WORD is offered (and, with "=", exactly these words).
expect() {
    local exact=0
    if [ "$1" = "=" ]; then exact=1; shift; fi
    local line="$1"; shift
    local got
    got=$(complete_line "$line")
    checks=$((checks + 1))
    local w missing=()
    for w in "$@"; do
        grep -qxF -- "$w" <<<"$got" || missing+=("$w")
    done
    if [ ${#missing[@]} -gt 0 ] || { [ $exact = 1 ] && [ "$(sort <<<"$(printf '%s\n' "$@")")" != "$got" ]; }; then
        echo "completion-test: FAIL: '$line<TAB>' should offer: $* ${missing[*]:+(missing: ${missing[*]})}" >&2
        echo "  got: $(tr '\n' ' ' <<<"$got")" >&2
        failures=$((failures + 1))
    else
        echo "ok: '$line<TAB>' -> $(tr '\n' ' ' <<<"$got" | cut -c1-100)"
    fi
}

expect = "roundtable de" debate
expect "roundtable " chat models hosts tasks debate eval agents history db serve metrics watch
expect = "roundtable debate --for" --format
expect "roundtable models " list show ps pull rm
expect = "roundtable models p" ps pull
expect = "roundtable debate --format " simultaneous round-robin adversarial council vote
expect = "roundtable debate --format=r" round-robin
expect = "roundtable --theme " light dark system
expect "roundtable --" --demo --page --screenshot --db --ollama-host --version --help
expect = "roundtable --db x.sqlite h" history hosts
expect = "roundtable agents show --js" --json
expect "roundtable chat --" --model --system --no-save --conversation
expect = "roundtable history export 3 --format " md json
expect = "roundtable tasks list --lim" --limit
expect = "roundtable --screenshot s" shot.png
expect = "roundtable agents export -o " shot.png
# After the action, no more actions: a second word is an argument (a file name), not "list".
expect = "roundtable models pull --host local l"

echo "completion-test: $checks checks, $failures failed ($file)"
[ $failures = 0 ]

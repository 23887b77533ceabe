#!/usr/bin/env bash
# Fails when a translation is out of step with the sources: a user-visible
# string added, changed or removed without scripts/update-translations.sh, an
# entry left unfinished, or a translation whose placeholders (%1, %n), HTML
# tags or & accelerators differ from the English. Also fails when lupdate
# cannot tell a string's context (it would be filed where the program never
# looks it up). Part of the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=(app core ui)
status=0

cp translations/roundtable_*.ts "$work/"
"$lupdate" -locations none -no-obsolete "${sources[@]}" -ts "$work/roundtable_de.ts" "$work/roundtable_fr.ts" >"$work/lupdate.log" 2>&1
"$lupdate" -locations none -no-obsolete -pluralonly "${sources[@]}" -ts "$work/roundtable_en.ts" >>"$work/lupdate.log" 2>&1
if grep -E 'Qualifying with unknown|Cannot invoke tr|Discarding unconsumed' "$work/lupdate.log" | sort -u; then
    echo "check-translations: lupdate cannot place the strings above in a context; name the file's context" >&2
    echo "  (struct Tr { Q_DECLARE_TR_FUNCTIONS(rt::...) }; see core/common/translate.h)" >&2
    status=1
fi
for ts in translations/roundtable_*.ts; do
    if ! cmp -s "$ts" "$work/$(basename "$ts")"; then
        echo "check-translations: $ts is out of date with the sources:" >&2
        diff -u "$ts" "$work/$(basename "$ts")" | grep -E '^[-+] *<source>' | head -20 >&2 || true
        echo "  run scripts/update-translations.sh and translate the new entries" >&2
        status=1
    fi
    if ! python3 scripts/ts-tool.py check "$ts" >"$work/check.log"; then
        grep -v '^problems:' "$work/check.log" | head -20 >&2
        echo "check-translations: $ts: $(tail -1 "$work/check.log")" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "check-translations: translations/ is up to date and complete"
exit $status

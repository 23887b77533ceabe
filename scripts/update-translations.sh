#!/usr/bin/env bash
# Brings translations/*.ts up to date with the sources (new strings appear as
# unfinished, removed ones are dropped). Run it after adding or changing a
# user-visible string, then translate the new entries (Qt Linguist, or any
# editor). scripts/check-translations.sh (part of the test command) fails while
# a .ts file is out of date or has an unfinished entry.
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
sources=(app core ui)
"$lupdate" -silent -locations none -no-obsolete "${sources[@]}" -ts translations/roundtable_de.ts translations/roundtable_fr.ts
# English is the source language: its catalogue only holds the plural forms.
"$lupdate" -silent -locations none -no-obsolete -pluralonly "${sources[@]}" -ts translations/roundtable_en.ts

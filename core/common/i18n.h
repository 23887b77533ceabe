#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace rt::i18n {

// The languages Roundtable speaks: English (the source; its catalogue holds only
// plural forms), German and French. Catalogues are compiled from translations/*.ts
// and embedded in the binary (":/i18n/roundtable_<code>.qm").
QStringList languages(); // {"en", "de", "fr"}
QString nativeName(const QString &code); // "English", "Deutsch", "Français"

// The language to use: `choice` when it is one of languages() ("" or anything else
// means the system's), else the first of QLocale::system().uiLanguages() that
// Roundtable speaks (so LANGUAGE=fr:de and LANG=de_DE.UTF-8 work as on any
// desktop), else English.
QString resolve(const QString &choice = QString());

// Loads Roundtable's catalogue for `code` and Qt's own (qtbase_<code>.qm from
// Qt's translations folder, for the standard dialog buttons) into `app`, and
// makes QLocale() follow the language when it differs from the system's.
// Returns the code in effect. Safe to call once per process.
QString install(QCoreApplication *app, const QString &code);

// The language install() put in effect in this process ("en" before).
QString current();

} // namespace rt::i18n

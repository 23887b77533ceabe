#include "i18n.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace rt::i18n {

namespace {
QString &inEffect()
{
    static QString code = u"en"_s;
    return code;
}
} // namespace

QStringList languages()
{
    return { u"en"_s, u"de"_s, u"fr"_s };
}

QString nativeName(const QString &code)
{
    if (code == "de"_L1)
        return u"Deutsch"_s;
    if (code == "fr"_L1)
        return u"Français"_s;
    return u"English"_s;
}

QString resolve(const QString &choice)
{
    const QStringList known = languages();
    if (known.contains(choice))
        return choice;
    for (const QString &ui : QLocale::system().uiLanguages()) {
        // "de-DE", "fr", "en-GB", "C": the language is the part before the first '-'.
        const QString code = ui.section(u'-', 0, 0).toLower();
        if (known.contains(code))
            return code;
    }
    return u"en"_s;
}

QString install(QCoreApplication *app, const QString &code)
{
    const QString language = languages().contains(code) ? code : u"en"_s;
    auto *ours = new QTranslator(app);
    if (ours->load(u":/i18n/roundtable_%1.qm"_s.arg(language)))
        QCoreApplication::installTranslator(ours);
    else
        delete ours;
    if (language != "en"_L1) {
        auto *qt = new QTranslator(app);
        if (qt->load(u"qtbase_%1"_s.arg(language), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(qt);
        else
            delete qt;
    }
    if (QLocale::system().language() != QLocale(language).language())
        QLocale::setDefault(QLocale(language));
    inEffect() = language;
    return language;
}

QString current()
{
    return inEffect();
}

} // namespace rt::i18n

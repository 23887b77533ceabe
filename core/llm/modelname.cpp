#include "modelname.h"

namespace rt::llm {

QString normalizeModelName(QStringView name)
{
    QString text = name.trimmed().toString().toLower();
    if (text.isEmpty())
        return text;
    // The tag follows the last ':' after the last '/' (a registry host may carry a port).
    const qsizetype slash = text.lastIndexOf(u'/');
    if (text.indexOf(u':', slash + 1) < 0)
        text += QStringLiteral(":latest");
    return text;
}

bool sameModel(QStringView a, QStringView b)
{
    return normalizeModelName(a) == normalizeModelName(b);
}

} // namespace rt::llm

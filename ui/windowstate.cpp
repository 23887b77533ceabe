#include "windowstate.h"

#include <QSettings>
#include <QSplitter>

namespace rt::ui {

void rememberSplitter(QSplitter *splitter, const QString &key)
{
    const QString name = QStringLiteral("window/splitter/%1").arg(key);
    const QByteArray saved = QSettings().value(name).toByteArray();
    if (!saved.isEmpty())
        splitter->restoreState(saved);
    QObject::connect(
        splitter, &QSplitter::splitterMoved, splitter, [splitter, name] { QSettings().setValue(name, splitter->saveState()); });
}

} // namespace rt::ui

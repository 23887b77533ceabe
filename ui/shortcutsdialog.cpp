#include "shortcutsdialog.h"

#include "theme.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace rt::ui {

namespace {

QString plain(QString text)
{
    text.remove(QLatin1Char('&'));
    if (text.endsWith(QStringLiteral("…")))
        text.chop(1);
    return text;
}

QString keys(const QKeySequence &sequence)
{
    return sequence.toString(QKeySequence::NativeText);
}

void addMenu(QTreeWidgetItem *group, const QMenu *menu)
{
    for (QAction *action : menu->actions()) {
        if (action->menu()) {
            addMenu(group, action->menu());
            continue;
        }
        if (action->isSeparator() || action->shortcuts().isEmpty())
            continue;
        QStringList all;
        for (const QKeySequence &sequence : action->shortcuts())
            all << keys(sequence);
        auto *item = new QTreeWidgetItem(group, { plain(action->text()), all.join(QStringLiteral(", ")) });
        item->setToolTip(0, action->toolTip());
    }
}

} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar *menus, QWidget *parent)
    : QDialog(parent)
    , m_filter(new QLineEdit(this))
    , m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    resize(560, 620);
    m_filter->setObjectName(QStringLiteral("shortcutsFilter"));
    m_filter->setPlaceholderText(tr("Filter, e.g. “debate” or “Ctrl+N”"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter shortcuts"));
    m_list->setObjectName(QStringLiteral("shortcutsList"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({ tr("Action"), tr("Keys") });
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);

    // The menus, as they are now.
    for (QAction *top : menus->actions()) {
        if (!top->menu())
            continue;
        auto *group = new QTreeWidgetItem(m_list, { plain(top->text()) });
        addMenu(group, top->menu());
        if (group->childCount() == 0)
            delete group;
    }
    // Keys that work inside a page (not menu actions).
    const struct {
        const char *group;
        const char *action;
        QString keys;
    } local[] = {
        { QT_TR_NOOP("In a chat"), QT_TR_NOOP("Send the message"), keys(QKeySequence(Qt::Key_Return)) },
        { QT_TR_NOOP("In a chat"), QT_TR_NOOP("New line in the message"), keys(QKeySequence(Qt::SHIFT | Qt::Key_Return)) },
        { QT_TR_NOOP("In a chat"), QT_TR_NOOP("Previous / next conversation"),
            keys(QKeySequence(Qt::CTRL | Qt::Key_PageUp)) + QStringLiteral(" / ") + keys(QKeySequence(Qt::CTRL | Qt::Key_PageDown)) },
        { QT_TR_NOOP("In a chat"), QT_TR_NOOP("Rename the conversation"), keys(QKeySequence(Qt::Key_F2)) },
        { QT_TR_NOOP("In a debate"), QT_TR_NOOP("Pause or resume"), keys(QKeySequence(Qt::CTRL | Qt::Key_P)) },
        { QT_TR_NOOP("In a debate"), QT_TR_NOOP("Interject (Enter sends)"), keys(QKeySequence(Qt::CTRL | Qt::Key_I)) },
        { QT_TR_NOOP("In a debate"), QT_TR_NOOP("Stop the debate"), keys(QKeySequence(Qt::CTRL | Qt::Key_Period)) },
        { QT_TR_NOOP("In a debate"), QT_TR_NOOP("Start (in New Debate)"), keys(QKeySequence(Qt::Key_Return)) },
        { QT_TR_NOOP("In lists"), QT_TR_NOOP("Open the selected item"), keys(QKeySequence(Qt::Key_Return)) },
        { QT_TR_NOOP("In lists"), QT_TR_NOOP("Delete, cancel or dismiss the selected item"), keys(QKeySequence(QKeySequence::Delete)) },
    };
    QTreeWidgetItem *group = nullptr;
    for (const auto &entry : local) {
        const QString name = tr(entry.group);
        if (!group || group->text(0) != name)
            group = new QTreeWidgetItem(m_list, { name });
        new QTreeWidgetItem(group, { tr(entry.action), entry.keys });
    }
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = m_list->topLevelItem(i);
        top->setFirstColumnSpanned(true);
        top->setFont(0, Theme::scaledFont(font(), 1.0, true));
        top->setFlags(Qt::ItemIsEnabled);
    }
    m_list->expandAll();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutsDialog::filter);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
}

QString ShortcutsDialog::shortcutFor(const QString &text) const
{
    const QString wanted = plain(text);
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = m_list->topLevelItem(i);
        for (int j = 0; j < top->childCount(); ++j) {
            if (top->child(j)->text(0) == wanted)
                return top->child(j)->text(1);
        }
    }
    return {};
}

void ShortcutsDialog::filter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = m_list->topLevelItem(i);
        int shown = 0;
        for (int j = 0; j < top->childCount(); ++j) {
            QTreeWidgetItem *item = top->child(j);
            const bool match = needle.isEmpty() || item->text(0).contains(needle, Qt::CaseInsensitive)
                || item->text(1).contains(needle, Qt::CaseInsensitive) || top->text(0).contains(needle, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        top->setHidden(shown == 0);
    }
}

} // namespace rt::ui

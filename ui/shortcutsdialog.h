#pragma once

#include <QDialog>

class QMenuBar;
class QLineEdit;
class QTreeWidget;

namespace rt::ui {

// Help → Keyboard Shortcuts: every menu action with a shortcut (read from the
// menus, so the list is never out of date) and the keys that work inside a
// page, grouped, with a filter box.
class ShortcutsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShortcutsDialog)
public:
    explicit ShortcutsDialog(const QMenuBar *menus, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    // "Ctrl+Shift+N" as this platform writes it, for the action titled text
    // (mnemonic '&' ignored); empty when not listed.
    QString shortcutFor(const QString &text) const;

private:
    void filter(const QString &text);

    QLineEdit *m_filter;
    QTreeWidget *m_list;
};

} // namespace rt::ui

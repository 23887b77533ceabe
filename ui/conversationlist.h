#pragma once

#include "storage/records.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <optional>

class QFrame;
class QLabel;
class QListView;
class QPushButton;
class QToolButton;

namespace rt::ui {

class Workspace;

// The stored conversations, newest first. Titles are editable in place; an
// edit is announced with renameRequested() and written by ConversationList.
class ConversationListModel final : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConversationListModel)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        ModelRole,
        UpdatedRole, // QDateTime, UTC
        DetailRole, // "Yesterday · llama3.2:1b"
        OpenRole, // bool: the conversation shown in the chat
    };

    explicit ConversationListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    void setConversations(const QList<rt::storage::Conversation> &conversations);
    const rt::storage::Conversation &conversation(int row) const { return m_rows.at(row); }
    int count() const { return int(m_rows.size()); }
    int rowOf(qint64 id) const;
    // Inserts (or moves) the conversation where its date puts it; returns the row.
    int place(const rt::storage::Conversation &conversation);
    rt::storage::Conversation take(int row);
    // Sets a title without asking for a rename (a failed rename goes back).
    void setTitle(int row, const QString &title);
    void setOpenId(qint64 id);
    qint64 openId() const { return m_openId; }
    // For tests and the relative dates: what "now" is (default: the clock).
    void setNow(const QDateTime &now) { m_now = now; }

    // "Just now", "5 min ago", "14:05", "Yesterday", "Monday", a short date.
    static QString relativeDate(const QDateTime &when, const QDateTime &now);

signals:
    void renameRequested(qint64 id, const QString &title, const QString &previousTitle);

private:
    QList<rt::storage::Conversation> m_rows;
    QDateTime m_now;
    qint64 m_openId = 0;
};

// The narrow panel at the left of the chat page: New, the conversations
// (Enter or a click opens one, F2 renames, Delete deletes), and a bar that
// offers Undo for ~10 s after a delete. The delete is written when the bar
// expires, when another delete comes, or when the panel goes away.
class ConversationList final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConversationList)
public:
    explicit ConversationList(Workspace *workspace, QWidget *parent = nullptr);
    ~ConversationList() override;

    ConversationListModel *model() const { return m_model; }
    QListView *view() const { return m_view; }
    QToolButton *newButton() const { return m_newButton; }
    QToolButton *renameButton() const { return m_renameButton; }
    QToolButton *deleteButton() const { return m_deleteButton; }
    QWidget *undoBar() const { return m_undoBar; }
    QPushButton *undoButton() const { return m_undoButton; }
    QLabel *errorLabel() const { return m_error; }
    // The top bar, to line up with the chat's header.
    QFrame *header() const { return m_header; }

    // Loaded at least once (or failed to load).
    bool isLoaded() const { return m_loaded; }
    std::optional<qint64> pendingDelete() const;
    int undoTimeoutMs() const { return m_undoTimer.interval(); }
    void setUndoTimeoutMs(int ms) { m_undoTimer.setInterval(ms); }

    // Marks the conversation shown in the chat (0: a new one, not stored yet).
    void setOpenId(qint64 id);
    // A conversation was created or changed by the chat: show it at its place.
    void place(const rt::storage::Conversation &conversation);
    // The conversation got a message: it moves to the top.
    void touch(qint64 id);

public slots:
    void reload();
    void renameCurrent();
    void deleteCurrent();
    void undoDelete();
    // Writes the pending delete now.
    void commitDelete();
    // Opens the conversation after (before) the open one.
    void openNext();
    void openPrevious();
    // A database problem, in plain words, shown above the list; empty hides it.
    void showError(const QString &message);

signals:
    void openRequested(const rt::storage::Conversation &conversation);
    void newRequested();
    // The row went away (the delete is pending, Undo may bring it back).
    void removed(qint64 id);
    // reload() finished (successfully or not).
    void loaded();
    // The pending delete was written (ok) or failed (the row comes back).
    void deleteCommitted(qint64 id, bool ok);
    void renamed(qint64 id, bool ok);
    // Export… from the context menu (the History page writes the file).
    void exportRequested(qint64 id);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void openRow(int row);
    void openStep(int step);
    void rename(qint64 id, const QString &title, const QString &previousTitle);
    bool isEditing() const;
    void updateButtons();
    void updateEmptyState();

    QPointer<Workspace> m_workspace;
    ConversationListModel *m_model;
    QFrame *m_header;
    QListView *m_view;
    QLabel *m_empty;
    QLabel *m_error;
    QToolButton *m_newButton;
    QToolButton *m_renameButton;
    QToolButton *m_deleteButton;
    QWidget *m_undoBar;
    QLabel *m_undoText;
    QPushButton *m_undoButton;
    QTimer m_undoTimer;
    std::optional<rt::storage::Conversation> m_pending; // deleted, not yet written
    quint64 m_loadRequest = 0;
    bool m_loaded = false;
    bool m_reloadWanted = false; // a reload waits for the title editor to close
};

} // namespace rt::ui

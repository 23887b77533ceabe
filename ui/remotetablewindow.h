#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace rt::server {
class RemoteTable;
}

namespace rt::ui {

class DebateSession;
class DebateView;

// "Connect to a Remote Table…": another Roundtable's debates, read-only,
// in a window of their own with the same table as a local debate (seats,
// streaming text, stances, consensus, transcript, result). Follows the
// debate running there (or the one picked in the list), and comes back by
// itself after a drop, from a fresh snapshot.
class RemoteTableWindow final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteTableWindow)
public:
    // Asks for the viewer link (prefilled with `link`) and opens a window;
    // null when the user cancels. A link that is not one is explained first.
    static RemoteTableWindow *ask(QWidget *parent, const QString &link = {});
    // Opens a window for a link already checked with RemoteTable::webSocketUrl.
    explicit RemoteTableWindow(const QUrl &webSocketUrl, QWidget *parent = nullptr);
    ~RemoteTableWindow() override;

    rt::server::RemoteTable *table() const { return m_table; }
    DebateView *view() const { return m_view; }
    QLabel *statusLabel() const { return m_status; }
    QComboBox *debateList() const { return m_debates; }
    qint64 currentDebate() const;

private:
    void refreshList();
    void follow(qint64 debateId);
    void onEvent(const QJsonObject &event);

    rt::server::RemoteTable *m_table = nullptr;
    QLabel *m_status = nullptr;
    QComboBox *m_debates = nullptr;
    DebateView *m_view = nullptr;
    QPointer<DebateSession> m_session;
    bool m_userPicked = false;
};

} // namespace rt::ui

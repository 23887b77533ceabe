#pragma once

#include <QListView>

namespace rt::ui {

class MessageDelegate;

// The message list. Rows are re-measured only when a message's height really
// changed; the view follows a growing reply while the user is at the bottom
// and stays put when they scrolled up to read.
class ChatView final : public QListView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatView)
public:
    explicit ChatView(QWidget *parent = nullptr);

    MessageDelegate *messageDelegate() const { return m_delegate; }
    void setPlaceholder(const QString &title, const QString &text);
    bool isFollowing() const { return m_follow; }
    // Jumps to the newest message and keeps following it.
    void followEnd();
    // Times the rows were re-measured because a message grew taller.
    qint64 relayouts() const { return m_relayouts; }

signals:
    void retryRequested(int row);

protected:
    void dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles = {}) override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void reset() override;
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    int retryRowAt(const QPoint &pos) const;
    void copyRow(int row) const;

    MessageDelegate *m_delegate;
    QString m_placeholderTitle;
    QString m_placeholderText;
    qint64 m_relayouts = 0;
    bool m_follow = true;
};

} // namespace rt::ui

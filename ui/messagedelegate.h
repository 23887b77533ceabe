#pragma once

#include <QFont>
#include <QStyledItemDelegate>
#include <memory>
#include <unordered_map>

class QAbstractItemView;
class QTextDocument;

namespace rt::ui {

// Draws one chat message as a bubble (user right, assistant left) with a
// caption under each reply. Every message's text is laid out once into a
// cached QTextDocument: a streaming reply has the new characters appended to
// its document (the layout only redoes the last paragraph), a finished reply
// is parsed as Markdown once, and nothing is laid out again unless the
// message changes or the view's width does.
class MessageDelegate final : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageDelegate)
public:
    explicit MessageDelegate(QAbstractItemView *view);
    ~MessageDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Brings the cached layout up to date with the model; returns true when the
    // message's height changed (the view then re-lays out its rows).
    bool refresh(const QModelIndex &index) const;
    // Where the "Retry" link of a row is, relative to the row's rectangle (empty if none).
    QRect retryRect(const QModelIndex &index, const QRect &rowRect) const;
    // Forgets the cache (conversation cleared) or one message.
    void clearCache();
    void forget(quint64 messageId);
    // The view's font changed: new fonts, and every message laid out again.
    void updateFonts();

    // Diagnostics for tests and benchmarks.
    qint64 layoutRebuilds() const { return m_rebuilds; }
    qint64 incrementalAppends() const { return m_appends; }

private:
    struct Entry;
    struct Geometry;
    Entry &entry(const QModelIndex &index) const;
    Geometry geometry(const QModelIndex &index, const Entry &entry, const QRect &rowRect) const;
    int viewportWidth() const;

    QAbstractItemView *m_view;
    QFont m_bodyFont;
    QFont m_placeholderFont;
    QFont m_thinkingFont;
    QFont m_statusFont;
    QFont m_captionFont;
    QFont m_retryFont;
    int m_captionHeight = 0;
    int m_retryHeight = 0;
    int m_retryWidth = 0;
    mutable std::unordered_map<quint64, std::unique_ptr<Entry>> m_cache;
    mutable qint64 m_rebuilds = 0;
    mutable qint64 m_appends = 0;
};

} // namespace rt::ui

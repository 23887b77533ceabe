#pragma once

#include "storage/records.h"

#include <QAbstractListModel>
#include <QList>
#include <QStyledItemDelegate>

namespace rt::ui {

// What the History page lists: search hits (a message or a debate turn, with
// a snippet whose matching words are wrapped in HighlightStart/End), or, before
// anything is typed, recent conversations and debates (no snippet, no item id).
class SearchResultModel final : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchResultModel)
public:
    // Private-use characters: they never occur in stored text, so the snippet
    // can be escaped as HTML and the markers replaced afterwards.
    static constexpr char16_t HighlightStart = 0xE000;
    static constexpr char16_t HighlightEnd = 0xE001;

    enum Role {
        KindRole = Qt::UserRole + 1, // SearchHit::Kind as int
        ItemIdRole, // message or turn id (0 for a recent entry)
        ParentIdRole, // conversation or debate id
        TitleRole, // conversation title or debate question
        WhoRole, // "You", "Assistant", an agent's name; for recent entries the model or format
        SnippetRole, // with the highlight markers
        SnippetHtmlRole, // escaped, matches in <span>s
        DateRole, // QDateTime, local
        IsRecentRole,
    };

    explicit SearchResultModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Search hits for `query`, or (recent = true) recent conversations and debates.
    void setHits(const QList<rt::storage::SearchHit> &hits, bool recent);
    void clear();
    const rt::storage::SearchHit &hit(int row) const { return m_hits.at(row); }
    bool isRecent() const { return m_recent; }

    // The snippet as HTML: escaped, markers turned into highlighted spans.
    static QString snippetHtml(const QString &snippet);
    // The snippet as plain text (markers removed).
    static QString plainSnippet(const QString &snippet);

private:
    QString who(const rt::storage::SearchHit &hit) const;

    QList<rt::storage::SearchHit> m_hits;
    bool m_recent = false;
};

// One result as a two-line card: kind, title and date, then who said it and
// the snippet with its matching words highlighted.
class SearchResultDelegate final : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchResultDelegate)
public:
    explicit SearchResultDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace rt::ui

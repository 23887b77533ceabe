#include "conversationlist.h"

#include "common/futurecallback.h"
#include "common/logging.h"
#include "icons.h"
#include "storage/storage.h"
#include "theme.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QFrame>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

namespace rt::ui {

namespace {

constexpr int Margin = 8; // around a row's card, horizontally
constexpr int Padding = 10; // inside the card
constexpr int LineGap = 2;

// Newest first, as Storage lists them (updated_at, then id).
bool newerThan(const rt::storage::Conversation &a, const rt::storage::Conversation &b)
{
    if (a.updatedAt != b.updatedAt)
        return a.updatedAt > b.updatedAt;
    return a.id > b.id;
}

// Two lines per conversation: the title, then when and with which model.
class ConversationDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        const QFontMetrics title(titleFont(option.font, false));
        const QFontMetrics detail(detailFont(option.font));
        return { option.rect.width(), 2 * Padding + title.height() + LineGap + detail.height() + 4 };
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const QRect card = option.rect.adjusted(Margin, 2, -Margin, -2);
        const bool selected = option.state.testFlag(QStyle::State_Selected);
        const bool hovered = option.state.testFlag(QStyle::State_MouseOver);
        const bool open = index.data(ConversationListModel::OpenRole).toBool();
        QColor background = Qt::transparent;
        if (selected)
            background = Theme::Accent.lighter(Theme::Text.lightness() > 128 ? 60 : 185);
        else if (hovered || open)
            background = Theme::Border.lighter(Theme::Text.lightness() > 128 ? 120 : 110);
        if (selected || hovered || open) {
            QPainterPath path;
            path.addRoundedRect(QRectF(card), 7, 7);
            painter->fillPath(path, background);
        }
        if (open) {
            // The open conversation carries a bar at its left edge (not only a colour).
            painter->fillRect(QRect(card.left() + 3, card.top() + 8, 3, card.height() - 16), Theme::Accent);
        }
        if (option.state.testFlag(QStyle::State_HasFocus)) {
            painter->setPen(QPen(Theme::Accent, 1.5));
            painter->drawRoundedRect(QRectF(card).adjusted(0.75, 0.75, -0.75, -0.75), 7, 7);
        }

        const QRect text = card.adjusted(Padding + 2, Padding - 2, -Padding, -Padding + 2);
        const QFont tf = titleFont(option.font, open);
        const QFontMetrics tm(tf);
        painter->setFont(tf);
        painter->setPen(Theme::Text);
        const QString title = tm.elidedText(index.data(ConversationListModel::TitleRole).toString(), Qt::ElideRight, text.width());
        painter->drawText(QRect(text.left(), text.top(), text.width(), tm.height()), Qt::AlignLeft | Qt::AlignVCenter, title);

        const QFont df = detailFont(option.font);
        const QFontMetrics dm(df);
        painter->setFont(df);
        painter->setPen(Theme::MutedText);
        const QString detail = dm.elidedText(index.data(ConversationListModel::DetailRole).toString(), Qt::ElideRight, text.width());
        painter->drawText(
            QRect(text.left(), text.top() + tm.height() + LineGap, text.width(), dm.height()), Qt::AlignLeft | Qt::AlignVCenter, detail);
        painter->restore();
    }

    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        const QRect card = option.rect.adjusted(Margin, 2, -Margin, -2);
        const int height = QFontMetrics(titleFont(option.font, false)).height() + 8;
        editor->setGeometry(card.left() + Padding - 2, card.top() + Padding - 6, card.width() - 2 * Padding + 4, height);
    }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            line->setObjectName(QStringLiteral("conversationTitleEditor"));
            line->setAccessibleName(ConversationList::tr("Conversation title"));
            line->setMaxLength(200);
        }
        return editor;
    }

private:
    static QFont titleFont(const QFont &base, bool bold) { return Theme::scaledFont(base, 0.95, bold); }
    static QFont detailFont(const QFont &base) { return Theme::scaledFont(base, 0.82); }
};

QToolButton *makeButton(const QString &text, const QString &objectName, const QString &toolTip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setAccessibleName(text);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setFocusPolicy(Qt::TabFocus);
    return button;
}

} // namespace

// ---- ConversationListModel ---------------------------------------------------

ConversationListModel::ConversationListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString ConversationListModel::relativeDate(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return {};
    const QDateTime local = when.toLocalTime();
    const QDateTime nowLocal = now.toLocalTime();
    const qint64 seconds = local.secsTo(nowLocal);
    const QLocale locale;
    if (seconds < 60)
        return tr("Just now");
    if (seconds < 3600)
        return tr("%n min ago", nullptr, int(seconds / 60));
    const qint64 days = local.date().daysTo(nowLocal.date());
    if (days == 0)
        return locale.toString(local.time(), QLocale::ShortFormat);
    if (days == 1)
        return tr("Yesterday");
    if (days < 7)
        return locale.dayName(local.date().dayOfWeek(), QLocale::LongFormat);
    return locale.toString(local.date(), QLocale::ShortFormat);
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const rt::storage::Conversation &c = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
    case TitleRole:
        return c.title;
    case Qt::ToolTipRole:
    case Qt::AccessibleDescriptionRole: {
        const QLocale locale;
        const QString when = locale.toString(c.updatedAt.toLocalTime(), QLocale::LongFormat);
        return c.model.isEmpty() ? tr("%1\nLast active %2").arg(c.title, when) : tr("%1\n%2, last active %3").arg(c.title, c.model, when);
    }
    case Qt::AccessibleTextRole:
        return c.title;
    case IdRole:
        return c.id;
    case ModelRole:
        return c.model;
    case UpdatedRole:
        return c.updatedAt;
    case DetailRole: {
        const QString when = relativeDate(c.updatedAt, m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc());
        return c.model.isEmpty() ? when : tr("%1 · %2").arg(when, c.model);
    }
    case OpenRole:
        return c.id == m_openId;
    default:
        return {};
    }
}

bool ConversationListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.row() >= m_rows.size() || (role != Qt::EditRole && role != TitleRole))
        return false;
    const QString title = value.toString().simplified();
    rt::storage::Conversation &c = m_rows[index.row()];
    if (title.isEmpty() || title == c.title)
        return false; // an empty title keeps the old one
    const QString previous = std::exchange(c.title, title);
    emit dataChanged(index, index, { Qt::DisplayRole, Qt::EditRole, TitleRole });
    emit renameRequested(c.id, title, previous);
    return true;
}

Qt::ItemFlags ConversationListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractListModel::flags(index);
    if (index.isValid())
        result |= Qt::ItemIsEditable;
    return result;
}

void ConversationListModel::setConversations(const QList<rt::storage::Conversation> &conversations)
{
    beginResetModel();
    m_rows = conversations;
    std::stable_sort(m_rows.begin(), m_rows.end(), newerThan);
    endResetModel();
}

int ConversationListModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id)
            return row;
    }
    return -1;
}

int ConversationListModel::place(const rt::storage::Conversation &conversation)
{
    const int existing = rowOf(conversation.id);
    if (existing >= 0) {
        beginRemoveRows({}, existing, existing);
        m_rows.removeAt(existing);
        endRemoveRows();
    }
    const auto at = std::lower_bound(m_rows.cbegin(), m_rows.cend(), conversation, newerThan);
    const int row = int(at - m_rows.cbegin());
    beginInsertRows({}, row, row);
    m_rows.insert(row, conversation);
    endInsertRows();
    return row;
}

rt::storage::Conversation ConversationListModel::take(int row)
{
    beginRemoveRows({}, row, row);
    rt::storage::Conversation c = m_rows.takeAt(row);
    endRemoveRows();
    return c;
}

void ConversationListModel::setTitle(int row, const QString &title)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows[row].title = title;
    emit dataChanged(index(row), index(row), { Qt::DisplayRole, Qt::EditRole, TitleRole });
}

void ConversationListModel::setOpenId(qint64 id)
{
    if (id == m_openId)
        return;
    const int before = rowOf(m_openId);
    m_openId = id;
    const int after = rowOf(id);
    for (const int row : { before, after }) {
        if (row >= 0)
            emit dataChanged(index(row), index(row), { OpenRole });
    }
}

// ---- ConversationList --------------------------------------------------------

ConversationList::ConversationList(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(new ConversationListModel(this))
{
    setObjectName(QStringLiteral("conversationPanel"));
    setAttribute(Qt::WA_StyledBackground);
    Theme::style(this, QStringLiteral("QWidget#conversationPanel { background: {Window}; border-right: 1px solid {Border}; }"));
    setFixedWidth(248);

    m_header = new QFrame(this);
    QFrame *header = m_header;
    header->setObjectName(QStringLiteral("conversationHeader"));
    Theme::style(header, QStringLiteral("QFrame#conversationHeader { border: none; border-bottom: 1px solid {Border}; }"));
    auto *title = new QLabel(tr("Conversations"), header);
    title->setFont(Theme::scaledFont(font(), 1.05, true));
    m_newButton = makeButton(tr("New"), QStringLiteral("newConversationButton"), tr("Start a new conversation (Ctrl+N)"), header);
    m_newButton->setIcon(Icons::newChat(Theme::Text));
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(16, 8, 10, 8);
    headerLayout->setSpacing(6);
    headerLayout->addWidget(title, 1);
    headerLayout->addWidget(m_newButton);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("conversationError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    Theme::style(m_error,
        QStringLiteral("QLabel { color: {ErrorText}; background: {ErrorBackground}; border: 1px solid {ErrorBorder}; "
                       "border-radius: 6px; padding: 6px 8px; margin: 0 10px 6px 10px; }"));
    m_error->hide();

    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("conversationList"));
    m_view->setAccessibleName(tr("Conversations"));
    m_view->setAccessibleDescription(tr("Enter opens, F2 renames, Delete deletes"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new ConversationDelegate(m_view));
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_view->setMouseTracking(true);
    m_view->setUniformItemSizes(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setStyleSheet(QStringLiteral("QListView { background: transparent; outline: none; }"));
    m_view->viewport()->setAutoFillBackground(false);
    m_view->installEventFilter(this);

    m_empty = new QLabel(tr("No conversations yet.\nWhat you write in the chat is kept here."), this);
    m_empty->setObjectName(QStringLiteral("conversationEmpty"));
    m_empty->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_empty->setWordWrap(true);
    m_empty->setContentsMargins(16, 16, 16, 16);
    Theme::style(m_empty, QStringLiteral("color: {MutedText};"));
    m_empty->hide();

    // Shown for a while after a delete; Undo brings the row back.
    m_undoBar = new QFrame(this);
    m_undoBar->setObjectName(QStringLiteral("undoBar"));
    Theme::style(m_undoBar, QStringLiteral("QFrame#undoBar { background: {Text}; border-radius: 7px; } QLabel { color: {Window}; }"));
    m_undoText = new QLabel(tr("Conversation deleted."), m_undoBar);
    m_undoText->setObjectName(QStringLiteral("undoText"));
    m_undoButton = new QPushButton(tr("Undo"), m_undoBar);
    m_undoButton->setObjectName(QStringLiteral("undoDeleteButton"));
    m_undoButton->setAccessibleName(tr("Undo delete"));
    m_undoButton->setToolTip(tr("Bring the deleted conversation back"));
    auto *undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(12, 6, 6, 6);
    undoLayout->setSpacing(8);
    undoLayout->addWidget(m_undoText, 1);
    undoLayout->addWidget(m_undoButton);
    m_undoBar->hide();
    // "5 min ago" does not stay true: redraw the dates every minute.
    auto *clock = new QTimer(this);
    clock->setInterval(60'000);
    connect(clock, &QTimer::timeout, m_view->viewport(), qOverload<>(&QWidget::update));
    clock->start();
    m_undoTimer.setSingleShot(true);
    m_undoTimer.setInterval(10'000);

    auto *footer = new QWidget(this);
    m_renameButton
        = makeButton(tr("Rename"), QStringLiteral("renameConversationButton"), tr("Rename the selected conversation (F2)"), footer);
    m_deleteButton = makeButton(tr("Delete"), QStringLiteral("deleteConversationButton"),
        tr("Delete the selected conversation (Delete); you can undo it for a few seconds"), footer);
    auto *footerLayout = new QHBoxLayout(footer);
    footerLayout->setContentsMargins(10, 4, 10, 8);
    footerLayout->setSpacing(4);
    footerLayout->addWidget(m_renameButton);
    footerLayout->addWidget(m_deleteButton);
    footerLayout->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 1, 0); // keep the border on the right visible
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addSpacing(6);
    layout->addWidget(m_error);
    layout->addWidget(m_empty);
    layout->addWidget(m_view, 1);
    auto *undoHolder = new QHBoxLayout;
    undoHolder->setContentsMargins(10, 6, 10, 4);
    undoHolder->addWidget(m_undoBar);
    layout->addLayout(undoHolder);
    layout->addWidget(footer);

    connect(m_newButton, &QToolButton::clicked, this, &ConversationList::newRequested);
    connect(m_renameButton, &QToolButton::clicked, this, &ConversationList::renameCurrent);
    connect(m_deleteButton, &QToolButton::clicked, this, &ConversationList::deleteCurrent);
    connect(m_undoButton, &QPushButton::clicked, this, &ConversationList::undoDelete);
    connect(&m_undoTimer, &QTimer::timeout, this, &ConversationList::commitDelete);
    connect(m_view->itemDelegate(), &QAbstractItemDelegate::closeEditor, this, [this] {
        if (std::exchange(m_reloadWanted, false))
            QTimer::singleShot(0, this, &ConversationList::reload);
    });
    connect(m_view, &QListView::clicked, this, [this](const QModelIndex &index) { openRow(index.row()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &ConversationList::updateButtons);
    connect(m_model, &ConversationListModel::renameRequested, this, &ConversationList::rename);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ConversationList::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ConversationList::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConversationList::updateEmptyState);
    connect(m_view, &QListView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid())
            return;
        m_view->setCurrentIndex(index);
        auto *menu = new QMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->addAction(tr("Open"), this, [this, row = index.row()] { openRow(row); });
        menu->addAction(tr("Rename"), this, &ConversationList::renameCurrent);
        menu->addAction(
            tr("Export…"), this, [this, id = index.data(ConversationListModel::IdRole).toLongLong()] { emit exportRequested(id); });
        menu->addAction(tr("Delete"), this, &ConversationList::deleteCurrent);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });

    if (m_workspace) {
        if (m_workspace->isReady())
            reload();
        else
            connect(m_workspace, &Workspace::ready, this, &ConversationList::reload);
    }
    updateButtons();
    setFocusProxy(m_view);
}

ConversationList::~ConversationList()
{
    commitDelete(); // if the workspace is still there
}

void ConversationList::hideEvent(QHideEvent *event)
{
    // Leaving the page or closing the window is not an undo: the delete is
    // written now, while the database is surely there (Storage finishes
    // queued writes before it stops). Minimising (spontaneous) keeps the bar.
    if (!event->spontaneous())
        commitDelete();
    QWidget::hideEvent(event);
}

std::optional<qint64> ConversationList::pendingDelete() const
{
    return m_pending ? std::optional<qint64>(m_pending->id) : std::nullopt;
}

void ConversationList::reload()
{
    if (!m_workspace)
        return;
    const quint64 request = ++m_loadRequest;
    const int limit = qMax(200, m_model->count() + 20);
    rt::whenReady(
        m_workspace->storage()->conversations(limit), this, [this, request](const rt::Result<QList<rt::storage::Conversation>> &result) {
            if (request != m_loadRequest)
                return; // a newer reload is on its way
            if (isEditing()) {
                m_reloadWanted = true; // a reset would close the title editor
                return;
            }
            m_loaded = true;
            if (!result) {
                qCWarning(lcUi).noquote() << "could not list conversations:" << result.error().message;
                showError(tr("The conversations could not be loaded: %1").arg(result.error().message));
                emit loaded();
                return;
            }
            const qint64 current = m_view->currentIndex().data(ConversationListModel::IdRole).toLongLong();
            QList<rt::storage::Conversation> rows = *result;
            if (m_pending)
                rows.removeIf([id = m_pending->id](const rt::storage::Conversation &c) { return c.id == id; });
            m_model->setConversations(rows);
            if (const int row = m_model->rowOf(current); row >= 0)
                m_view->setCurrentIndex(m_model->index(row));
            showError({});
            updateButtons();
            emit loaded();
        });
}

void ConversationList::setOpenId(qint64 id)
{
    m_model->setOpenId(id);
    if (const int row = m_model->rowOf(id); row >= 0) {
        m_view->setCurrentIndex(m_model->index(row));
        m_view->scrollTo(m_model->index(row));
    } else if (id == 0) {
        m_view->clearSelection(); // the keyboard's place stays
    }
    updateButtons();
}

void ConversationList::place(const rt::storage::Conversation &conversation)
{
    if (m_pending && m_pending->id == conversation.id)
        return; // deleted meanwhile; Undo brings back the stored one
    const qint64 current = m_view->currentIndex().data(ConversationListModel::IdRole).toLongLong();
    m_model->place(conversation);
    if (const int row = m_model->rowOf(current ? current : conversation.id); row >= 0 && (current || conversation.id == m_model->openId()))
        m_view->setCurrentIndex(m_model->index(row));
    updateButtons();
}

void ConversationList::touch(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    rt::storage::Conversation c = m_model->conversation(row);
    c.updatedAt = QDateTime::currentDateTimeUtc();
    place(c);
}

void ConversationList::openRow(int row)
{
    if (row < 0 || row >= m_model->count())
        return;
    m_view->setCurrentIndex(m_model->index(row));
    emit openRequested(m_model->conversation(row));
}

void ConversationList::openStep(int step)
{
    if (m_model->count() == 0)
        return;
    const int open = m_model->rowOf(m_model->openId());
    const int row = open < 0 ? (step > 0 ? 0 : m_model->count() - 1) : open + step;
    if (row >= 0 && row < m_model->count())
        openRow(row);
}

void ConversationList::openNext()
{
    openStep(1);
}

void ConversationList::openPrevious()
{
    openStep(-1);
}

void ConversationList::renameCurrent()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid())
        return;
    m_view->setFocus(Qt::OtherFocusReason);
    m_view->edit(index);
}

void ConversationList::rename(qint64 id, const QString &title, const QString &previousTitle)
{
    if (!m_workspace)
        return;
    rt::whenReady(
        m_workspace->storage()->write([id, title](rt::storage::StorageContext &c) { return c.conversations().rename(id, title); }), this,
        [this, id, previousTitle](const rt::Status &status) {
            if (!status) {
                qCWarning(lcUi).noquote() << "could not rename conversation" << id << status.error().message;
                showError(tr("The new title was not saved: %1").arg(status.error().message));
                if (const int row = m_model->rowOf(id); row >= 0)
                    m_model->setTitle(row, previousTitle);
            }
            emit renamed(id, status.ok());
        });
}

void ConversationList::deleteCurrent()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid())
        return;
    if (isEditing())
        return;
    commitDelete(); // only one delete waits for Undo
    const int row = index.row();
    m_pending = m_model->take(row);
    if (m_model->count() > 0)
        m_view->setCurrentIndex(m_model->index(qMin(row, m_model->count() - 1)));
    m_undoText->setText(tr("Conversation deleted."));
    m_undoText->setToolTip(m_pending->title);
    m_undoBar->show();
    m_undoTimer.start();
    updateButtons();
    emit removed(m_pending->id);
}

void ConversationList::undoDelete()
{
    if (!m_pending)
        return;
    m_undoTimer.stop();
    m_undoBar->hide();
    const rt::storage::Conversation c = *std::exchange(m_pending, std::nullopt);
    const int row = m_model->place(c);
    m_view->setCurrentIndex(m_model->index(row));
    m_view->setFocus(Qt::OtherFocusReason);
    updateButtons();
}

void ConversationList::commitDelete()
{
    m_undoTimer.stop();
    m_undoBar->hide();
    if (!m_pending)
        return;
    const rt::storage::Conversation c = *std::exchange(m_pending, std::nullopt);
    if (!m_workspace)
        return;
    const qint64 id = c.id;
    auto written = m_workspace->storage()->write([id](rt::storage::StorageContext &context) -> rt::Status {
        rt::Status removed = context.conversations().remove(id);
        if (!removed && removed.error().code == rt::storage::errc::NotFound)
            return {}; // already gone (another window)
        return removed;
    });
    rt::whenReady(written, this, [this, c](const rt::Status &status) {
        if (!status) {
            qCWarning(lcUi).noquote() << "could not delete conversation" << c.id << status.error().message;
            showError(tr("The conversation could not be deleted: %1").arg(status.error().message));
            m_model->place(c);
        }
        emit deleteCommitted(c.id, status.ok());
    });
}

void ConversationList::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

bool ConversationList::isEditing() const
{
    // The title editor is open (QAbstractItemView::state() is not public).
    const QList<QLineEdit *> editors = m_view->findChildren<QLineEdit *>(QStringLiteral("conversationTitleEditor"));
    return std::any_of(editors.cbegin(), editors.cend(), [](const QLineEdit *editor) { return editor->isVisible(); });
}

void ConversationList::updateButtons()
{
    const bool haveCurrent = m_view->currentIndex().isValid();
    m_renameButton->setEnabled(haveCurrent);
    m_deleteButton->setEnabled(haveCurrent);
}

void ConversationList::updateEmptyState()
{
    const bool empty = m_model->count() == 0 && m_loaded;
    m_empty->setVisible(empty);
    updateButtons();
}

bool ConversationList::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::KeyPress && !isEditing()) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->modifiers() & ~Qt::KeypadModifier)
            return QWidget::eventFilter(watched, event);
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            openRow(m_view->currentIndex().row());
            return true;
        case Qt::Key_Delete:
            deleteCurrent();
            return true;
        case Qt::Key_F2:
            renameCurrent();
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace rt::ui

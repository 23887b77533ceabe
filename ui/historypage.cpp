#include "historypage.h"

#include "common/futurecallback.h"
#include "common/logging.h"
#include "searchresultmodel.h"
#include "storage/storage.h"
#include "theme.h"
#include "workspace.h"

#include <QAction>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <algorithm>

namespace rt::ui {

using rt::storage::SearchHit;

namespace {
constexpr int RecentCount = 12;

enum DatePreset { AnyTime, PastDay, PastWeek, PastMonth, PastYear, Custom };

// Recent conversations and debates, newest activity first, as hits without an item.
rt::Result<QList<SearchHit>> recentItems(rt::storage::StorageContext &c)
{
    auto conversations = c.conversations().list(RecentCount);
    if (!conversations)
        return conversations.error();
    auto debates = c.debates().list(RecentCount);
    if (!debates)
        return debates.error();
    QList<SearchHit> items;
    for (const rt::storage::Conversation &conversation : *conversations) {
        SearchHit h;
        h.kind = SearchHit::Kind::Message;
        h.parentId = conversation.id;
        h.parentTitle = conversation.title;
        h.who = conversation.model;
        h.score = conversation.messageCount; // carried to the GUI thread: "n messages"
        h.createdAt = conversation.updatedAt;
        items.append(h);
    }
    for (const rt::storage::Debate &debate : *debates) {
        SearchHit h;
        h.kind = SearchHit::Kind::DebateTurn;
        h.parentId = debate.id;
        h.parentTitle = debate.question;
        h.who = debate.format;
        h.createdAt = debate.updatedAt;
        items.append(h);
    }
    std::stable_sort(items.begin(), items.end(), [](const SearchHit &a, const SearchHit &b) { return a.createdAt > b.createdAt; });
    return items.mid(0, RecentCount);
}

// The models and agent names stored, for the filters.
struct FilterChoices {
    QStringList models;
    QStringList agents;
};

rt::Result<FilterChoices> filterChoices(rt::storage::StorageContext &c)
{
    FilterChoices choices;
    auto models = c.database().query(QStringLiteral("SELECT model FROM conversations WHERE model <> '' UNION "
                                                    "SELECT model FROM debate_turns WHERE model <> '' ORDER BY 1"));
    if (!models)
        return models.error();
    while (models->next())
        choices.models.append(models->text(0));
    auto agents = c.database().query(QStringLiteral("SELECT name FROM agents UNION "
                                                    "SELECT agent_name FROM debate_turns WHERE agent_name <> '' ORDER BY 1"));
    if (!agents)
        return agents.error();
    while (agents->next()) {
        const QString name = agents->text(0);
        if (!choices.agents.contains(name, Qt::CaseInsensitive))
            choices.agents.append(name);
    }
    return choices;
}

QString suggestedName(bool debate, qint64 id)
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    return dir + (debate ? QStringLiteral("/debate-%1.md") : QStringLiteral("/conversation-%1.md")).arg(id);
}
} // namespace

HistoryPage::HistoryPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_results(new SearchResultModel(this))
{
    setObjectName(QStringLiteral("historyPage"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &HistoryPage::startSearch);

    auto *title = new QLabel(tr("History"), this);
    title->setFont(Theme::scaledFont(font(), 1.45, true));

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("historySearch"));
    m_search->setAccessibleName(tr("Search history"));
    m_search->setPlaceholderText(tr("Search every chat and debate…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumHeight(34);
    m_search->installEventFilter(this);
    connect(m_search, &QLineEdit::textChanged, this, &HistoryPage::onInputChanged);

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("historyKind"));
    m_kind->setAccessibleName(tr("Show"));
    m_kind->addItem(tr("Chats and debates"), int(Kinds::All));
    m_kind->addItem(tr("Chats only"), int(Kinds::Chats));
    m_kind->addItem(tr("Debates only"), int(Kinds::Debates));

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("historyModel"));
    m_model->setAccessibleName(tr("Model"));
    m_model->addItem(tr("Any model"), QString());
    m_model->setMinimumContentsLength(12);
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);

    m_agent = new QComboBox(this);
    m_agent->setObjectName(QStringLiteral("historyAgent"));
    m_agent->setAccessibleName(tr("Agent"));
    m_agent->addItem(tr("Any agent"), QString());
    m_agent->setMinimumContentsLength(10);
    m_agent->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);

    m_date = new QComboBox(this);
    m_date->setObjectName(QStringLiteral("historyDate"));
    m_date->setAccessibleName(tr("Date"));
    m_date->addItem(tr("Any time"), int(AnyTime));
    m_date->addItem(tr("Past day"), int(PastDay));
    m_date->addItem(tr("Past week"), int(PastWeek));
    m_date->addItem(tr("Past month"), int(PastMonth));
    m_date->addItem(tr("Past year"), int(PastYear));
    m_date->addItem(tr("Between…"), int(Custom));

    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addMonths(-1), this);
    m_from->setObjectName(QStringLiteral("historyFrom"));
    m_from->setAccessibleName(tr("From"));
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(today, this);
    m_to->setObjectName(QStringLiteral("historyTo"));
    m_to->setAccessibleName(tr("To"));
    m_to->setCalendarPopup(true);
    auto *andLabel = new QLabel(tr("and"), this);
    andLabel->setObjectName(QStringLiteral("historyAnd"));

    for (QComboBox *box : { m_kind, m_model, m_agent, m_date })
        connect(box, &QComboBox::currentIndexChanged, this, &HistoryPage::onInputChanged);
    connect(m_date, &QComboBox::currentIndexChanged, this, &HistoryPage::updateDateEdits);
    connect(m_from, &QDateEdit::dateChanged, this, &HistoryPage::onInputChanged);
    connect(m_to, &QDateEdit::dateChanged, this, &HistoryPage::onInputChanged);

    m_exportButton = new QPushButton(tr("Export…"), this);
    m_exportButton->setObjectName(QStringLiteral("historyExport"));
    m_exportButton->setToolTip(tr("Save the selected conversation or debate as Markdown or JSON"));
    connect(m_exportButton, &QPushButton::clicked, this, &HistoryPage::exportSelected);
    m_importButton = new QPushButton(tr("Import…"), this);
    m_importButton->setObjectName(QStringLiteral("historyImport"));
    m_importButton->setToolTip(tr("Import a conversation or debate exported as JSON"));
    connect(m_importButton, &QPushButton::clicked, this, &HistoryPage::importFile);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("historyResults"));
    m_list->setAccessibleName(tr("Results"));
    m_list->setModel(m_results);
    m_list->setItemDelegate(new SearchResultDelegate(m_list));
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setMouseTracking(true);
    m_list->viewport()->setAttribute(Qt::WA_Hover);
    QPalette palette = m_list->palette();
    palette.setColor(QPalette::Base, Theme::ChatBackground);
    m_list->setPalette(palette);
    connect(m_list, &QListView::activated, this, [this](const QModelIndex &index) { openRow(index.row()); });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, &HistoryPage::updateButtons);

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("historyEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    Theme::style(m_empty, QStringLiteral("color: {MutedText}; padding: 40px;"));
    m_empty->setAutoFillBackground(true);
    m_empty->setPalette(palette);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_list);
    m_stack->addWidget(m_empty);

    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(m_importButton);
    header->addWidget(m_exportButton);

    auto *filters = new QHBoxLayout;
    filters->setSpacing(8);
    filters->addWidget(m_kind);
    filters->addWidget(m_model);
    filters->addWidget(m_agent);
    filters->addWidget(m_date);
    filters->addWidget(m_from);
    filters->addWidget(andLabel);
    filters->addWidget(m_to);
    filters->addStretch(1);

    auto *top = new QVBoxLayout;
    top->setContentsMargins(24, 18, 24, 10);
    top->setSpacing(10);
    top->addLayout(header);
    top->addWidget(m_search);
    top->addLayout(filters);
    top->addWidget(m_status);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(top);
    layout->addWidget(m_stack, 1);

    // Ctrl+F anywhere on the page (the window's menu has Ctrl+Shift+F).
    auto *find = new QAction(tr("Search History"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, &HistoryPage::focusSearch);
    addAction(find);

    updateDateEdits();
    updateButtons();
    setFocusProxy(m_search);
    reload();
}

HistoryPage::~HistoryPage() = default;

bool HistoryPage::isSearching() const
{
    return m_debounce.isActive() || m_inFlight || m_pending;
}

QString HistoryPage::sampleWord() const
{
    static const QRegularExpression word(QStringLiteral("\\b\\w{5,}\\b"));
    for (int row = 0; row < m_results->rowCount(); ++row) {
        if (m_results->isRecent()) {
            const QRegularExpressionMatch match = word.match(m_results->hit(row).parentTitle);
            if (match.hasMatch())
                return match.captured().toLower();
        }
    }
    return QStringLiteral("the");
}

void HistoryPage::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void HistoryPage::search(const QString &text)
{
    m_search->setText(text);
}

rt::storage::SearchOptions HistoryPage::currentOptions() const
{
    rt::storage::SearchOptions o;
    o.limit = m_limit;
    o.highlightStart = QString(QChar(SearchResultModel::HighlightStart));
    o.highlightEnd = QString(QChar(SearchResultModel::HighlightEnd));
    const auto kinds = Kinds(m_kind->currentData().toInt());
    o.messages = kinds != Kinds::Debates;
    o.debateTurns = kinds != Kinds::Chats;
    o.model = m_model->currentData().toString();
    o.agent = m_agent->currentData().toString();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (m_date->currentData().toInt()) {
    case PastDay:
        o.from = now.addDays(-1);
        break;
    case PastWeek:
        o.from = now.addDays(-7);
        break;
    case PastMonth:
        o.from = now.addMonths(-1);
        break;
    case PastYear:
        o.from = now.addYears(-1);
        break;
    case Custom:
        o.from = m_from->date().startOfDay().toUTC();
        o.to = m_to->date().addDays(1).startOfDay().toUTC(); // the whole last day
        break;
    default:
        break;
    }
    return o;
}

void HistoryPage::onInputChanged()
{
    ++m_generation; // whatever is on its way now answers an older question
    if (m_search->text().trimmed().isEmpty()) {
        m_debounce.stop();
        m_pending = false;
        showRecent();
        return;
    }
    m_debounce.start();
}

void HistoryPage::startSearch()
{
    if (!m_workspace)
        return;
    const QString text = m_search->text().trimmed();
    if (text.isEmpty())
        return;
    if (m_inFlight) {
        m_pending = true; // runs with the newest text when this one ends
        return;
    }
    m_pending = false;
    const quint64 generation = m_generation;
    m_inFlight = true;
    ++m_searchesRun;
    emit searchStarted(text);
    if (m_results->rowCount() == 0 || m_results->isRecent())
        setStatus(tr("Searching…"));
    rt::whenReady(
        m_workspace->storage()->search(text, currentOptions()), this, [this, generation, text](const rt::Result<QList<SearchHit>> &result) {
            m_inFlight = false;
            emit searchFinished(text, generation == m_generation);
            if (generation == m_generation) {
                if (!result) {
                    qCWarning(lcUi).noquote() << "history search failed:" << result.error().message;
                    m_results->setHits({}, false);
                    m_shownQuery = text;
                    m_empty->setText(tr("The search failed: %1").arg(result.error().message));
                    m_stack->setCurrentWidget(m_empty);
                    setStatus(tr("The search failed."), true);
                } else {
                    m_results->setHits(*result, false);
                    m_shownQuery = text;
                    const int count = int(result->size());
                    if (count == 0) {
                        m_empty->setText(tr("Nothing matches “%1”. Try fewer words, or other filters.").arg(text));
                        m_stack->setCurrentWidget(m_empty);
                        setStatus(tr("No matches."));
                    } else {
                        m_stack->setCurrentWidget(m_list);
                        m_list->setCurrentIndex(m_results->index(0, 0));
                        m_list->scrollToTop();
                        setStatus(count >= m_limit ? tr("The %1 best matches for “%2” — Enter opens the selected one.").arg(count).arg(text)
                                                   : tr("%n match(es) for “%1” — Enter opens the selected one.", nullptr, count).arg(text));
                    }
                    emit resultsShown(text, count);
                }
                updateButtons();
            }
            // One more for the newest text if it changed meanwhile (and its
            // debounce already ran out); never a queue of old ones.
            if (m_pending) {
                m_pending = false;
                startSearch();
            }
        });
}

void HistoryPage::showRecent()
{
    if (!m_workspace)
        return;
    const quint64 request = ++m_recentRequest;
    rt::whenReady(m_workspace->storage()->read([](rt::storage::StorageContext &c) { return recentItems(c); }), this,
        [this, request](const rt::Result<QList<SearchHit>> &result) {
            if (request != m_recentRequest || !m_search->text().trimmed().isEmpty())
                return;
            if (!result) {
                m_results->setHits({}, true);
                m_empty->setText(tr("The history could not be read: %1").arg(result.error().message));
                m_stack->setCurrentWidget(m_empty);
                setStatus(tr("The history could not be read."), true);
                updateButtons();
                return;
            }
            m_loaded = true;
            QList<SearchHit> items = *result;
            for (SearchHit &h : items) {
                if (h.kind == SearchHit::Kind::Message) {
                    const int messages = int(h.score);
                    h.who
                        = h.who.isEmpty() ? tr("%n message(s)", nullptr, messages) : tr("%1 · %n message(s)", nullptr, messages).arg(h.who);
                } else {
                    h.who = h.who.isEmpty() ? tr("Debate") : tr("Debate · %1").arg(h.who);
                }
            }
            m_results->setHits(items, true);
            m_shownQuery.clear();
            if (items.isEmpty()) {
                m_empty->setText(tr("Nothing stored yet. Your chats and debates will be listed and searchable here."));
                m_stack->setCurrentWidget(m_empty);
                setStatus(QString());
            } else {
                m_stack->setCurrentWidget(m_list);
                setStatus(tr("Recent conversations and debates. Type to search all of them."));
            }
            updateButtons();
            emit resultsShown(QString(), int(items.size()));
        });
}

void HistoryPage::reload()
{
    loadFilterChoices();
    if (m_search->text().trimmed().isEmpty())
        showRecent();
}

void HistoryPage::loadFilterChoices()
{
    if (!m_workspace)
        return;
    rt::whenReady(m_workspace->storage()->read([](rt::storage::StorageContext &c) { return filterChoices(c); }), this,
        [this](const rt::Result<FilterChoices> &choices) {
            if (!choices) {
                qCWarning(lcUi).noquote() << "history filters:" << choices.error().message;
                return;
            }
            // Refill without a new search: the chosen entry stays when it still exists.
            auto refill = [](QComboBox *box, const QStringList &names) {
                const QString current = box->currentData().toString();
                const QSignalBlocker blocker(box);
                while (box->count() > 1)
                    box->removeItem(1);
                for (const QString &name : names)
                    box->addItem(name, name);
                const int index = box->findData(current);
                box->setCurrentIndex(index < 0 ? 0 : index);
            };
            const QString model = m_model->currentData().toString();
            const QString agent = m_agent->currentData().toString();
            refill(m_model, choices->models);
            refill(m_agent, choices->agents);
            if (m_model->currentData().toString() != model || m_agent->currentData().toString() != agent)
                onInputChanged(); // a chosen filter is gone
        });
}

void HistoryPage::updateDateEdits()
{
    const bool custom = m_date->currentData().toInt() == Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    if (QWidget *andLabel = findChild<QWidget *>(QStringLiteral("historyAnd")))
        andLabel->setVisible(custom);
}

void HistoryPage::updateButtons()
{
    m_exportButton->setEnabled(m_list->currentIndex().isValid() && m_stack->currentWidget() == m_list);
}

void HistoryPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    Theme::style(m_status, error ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {MutedText};"));
}

void HistoryPage::openRow(int row)
{
    if (row < 0 || row >= m_results->rowCount())
        return;
    const SearchHit &h = m_results->hit(row);
    if (h.kind == SearchHit::Kind::Message)
        emit openConversationRequested(h.parentId, h.id);
    else
        emit openDebateRequested(h.parentId, h.id);
}

void HistoryPage::exportSelected()
{
    const QModelIndex current = m_list->currentIndex();
    if (!m_workspace || !current.isValid())
        return;
    const SearchHit hit = m_results->hit(current.row());
    exportItem(hit.kind == SearchHit::Kind::DebateTurn, hit.parentId);
}

void HistoryPage::exportItem(bool debate, qint64 id)
{
    if (!m_workspace || id <= 0)
        return;
    auto write = [this, debate, id](const QString &path) {
        if (path.isEmpty() || !m_workspace)
            return;
        const auto format = path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) ? rt::storage::ExportFormat::Json
                                                                                        : rt::storage::ExportFormat::Markdown;
        rt::storage::Storage *storage = m_workspace->storage();
        auto data = debate ? storage->exportDebate(id, format) : storage->exportConversation(id, format);
        rt::whenReady(data, this, [this, path](const rt::Result<QByteArray> &bytes) {
            if (!bytes) {
                setStatus(tr("Not exported: %1").arg(bytes.error().message), true);
                emit exported(path, bytes.error().message);
                return;
            }
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(*bytes) != bytes->size() || !file.commit()) {
                const QString error = tr("Could not write %1: %2").arg(path, file.errorString());
                setStatus(error, true);
                emit exported(path, error);
                return;
            }
            setStatus(tr("Exported to %1.").arg(path));
            emit exported(path, QString());
        });
    };
    const QString suggested = suggestedName(debate, id);
    if (m_saveFileHook) {
        write(m_saveFileHook(suggested));
        return;
    }
    auto *dialog = new QFileDialog(this, debate ? tr("Export Debate") : tr("Export Conversation"), suggested,
        tr("Markdown (*.md);;JSON, can be imported again (*.json)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, write);
    dialog->open(); // window-modal, no nested event loop
}

void HistoryPage::importFile()
{
    auto read = [this](const QString &path) {
        if (path.isEmpty() || !m_workspace)
            return;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            const QString error = tr("Could not read %1: %2").arg(path, file.errorString());
            setStatus(error, true);
            emit imported(QString(), 0, error);
            return;
        }
        rt::whenReady(
            m_workspace->storage()->importJson(file.readAll()), this, [this](const rt::Result<rt::storage::ImportResult> &result) {
                if (!result) {
                    setStatus(tr("Not imported: %1").arg(result.error().message), true);
                    emit imported(QString(), 0, result.error().message);
                    return;
                }
                const bool debate = result->kind == rt::storage::ImportResult::Kind::Debate;
                setStatus(debate ? tr("Imported a debate with %n turn(s).", nullptr, result->items)
                                 : tr("Imported a conversation with %n message(s).", nullptr, result->items));
                emit imported(debate ? QStringLiteral("debate") : QStringLiteral("conversation"), result->id, QString());
                loadFilterChoices();
                onInputChanged(); // the recent list or the results may include it now
            });
    };
    if (m_openFileHook) {
        read(m_openFileHook());
        return;
    }
    auto *dialog = new QFileDialog(this, tr("Import a Conversation or Debate"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation), tr("JSON export (*.json);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, read);
    dialog->open();
}

bool HistoryPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const int rows = m_results->rowCount();
        const int current = m_list->currentIndex().isValid() ? m_list->currentIndex().row() : -1;
        switch (key->key()) {
        case Qt::Key_Down:
        case Qt::Key_Up:
            if (rows > 0) {
                const int next = std::clamp(current + (key->key() == Qt::Key_Down ? 1 : -1), 0, rows - 1);
                m_list->setCurrentIndex(m_results->index(next, 0));
            }
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            // The results on screen answer the text typed: open the selected one.
            if (rows > 0 && !isSearching())
                openRow(std::max(current, 0));
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void HistoryPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Chats and debates may have been added since: refresh what is cheap.
    reload();
}

} // namespace rt::ui

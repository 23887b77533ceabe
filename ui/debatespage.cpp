#include "debatespage.h"

#include "agents/agentregistry.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "debate/debateengine.h"
#include "debate/debatejob.h"
#include "debate/storagedebatestore.h"
#include "debatetext.h"
#include "debateview.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "newdebatepanel.h"
#include "seatcard.h"
#include "storage/storage.h"
#include "tasks/taskmanager.h"
#include "theme.h"
#include "workspace.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <utility>

namespace rt::ui {

using namespace rt::debate;

namespace {
// The question the simulator's debaters know (resources/debate/questions.json):
// a counter-intuitive one, so the first round disagrees and the table moves.
const char *const kSampleQuestion = QT_TRANSLATE_NOOP("rt::ui::DebatesPage",
    "A car drives up a hill at 1 m/s and comes back down the same road at 3 m/s. What is its average speed for the whole trip, in m/s? "
    "Answer with a single number.");

// Agents column: a dot in each seat's colour before the names.
class AgentDotsDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QStringList colours = index.data(DebateListModel::ColoursRole).toStringList();
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const int dot = 9;
        const int width = int(colours.size()) * (dot + 3) + 4;
        opt.rect.adjust(width, 0, 0, 0);
        QStyledItemDelegate::paint(painter, opt, index);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        int x = option.rect.left() + 4;
        const int y = option.rect.center().y() - dot / 2;
        for (const QString &c : colours) {
            painter->setBrush(QColor(c));
            painter->drawEllipse(QRect(x, y, dot, dot));
            x += dot + 3;
        }
        painter->restore();
    }
};

// The list's keyboard: Enter opens the current debate.
class DebateTree final : public QTreeView {
public:
    using QTreeView::QTreeView;
    std::function<void(const QModelIndex &)> activate;

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && currentIndex().isValid() && activate) {
            activate(currentIndex());
            return;
        }
        QTreeView::keyPressEvent(event);
    }
};

} // namespace

DebatesPage::DebatesPage(Workspace *workspace, rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_pool(pool)
    , m_catalog(catalog)
    , m_stack(new QStackedWidget(this))
    , m_model(new DebateListModel(this))
    , m_filter(new DebateFilterModel(this))
{
    setObjectName(QStringLiteral("debatesPage"));
    m_listPanel = new QWidget(m_stack);
    buildList(m_listPanel);
    m_new = new NewDebatePanel(workspace->agents(), catalog, pool, m_stack);
    m_view = new DebateView(m_stack);
    m_stack->addWidget(m_listPanel);
    m_stack->addWidget(m_new);
    m_stack->addWidget(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(m_new, &NewDebatePanel::startRequested, this, &DebatesPage::startDebate);
    connect(m_new, &NewDebatePanel::cancelled, this, &DebatesPage::showList);
    connect(m_view, &DebateView::backRequested, this, &DebatesPage::showList);
    connect(m_view, &DebateView::resumeRequested, this, &DebatesPage::resumeDebate);
    connect(m_view, &DebateView::exportRequested, this, &DebatesPage::exportDebate);
    connect(m_view, &DebateView::runAgainRequested, this, [this](const DebateConfig &config, const QList<Seat> &seats) {
        DebateConfig again = config;
        if (again.agents.isEmpty()) {
            for (const Seat &seat : seats) {
                if (!seat.implicit)
                    again.agents.append(seat.agent);
            }
        }
        startDebate(again);
    });

    auto onReady = [this] {
        m_new->setRegistry(m_workspace->agents());
        m_new->reset();
        rt::tasks::TaskManager *tasks = m_workspace->tasks();
        connect(tasks, &rt::tasks::TaskManager::interruptedFound, this, &DebatesPage::onInterruptedFound);
        connect(tasks, &rt::tasks::TaskManager::taskFinished, this, [this](const rt::tasks::TaskInfo &task) {
            if (task.kind == DebateJob::Kind)
                reload();
        });
        reload();
    };
    if (workspace->isReady())
        onReady();
    else
        connect(workspace, &Workspace::ready, this, onReady);
}

DebatesPage::~DebatesPage()
{
    // The view must not draw a session while it is deleted.
    m_view->setSession(nullptr);
}

void DebatesPage::buildList(QWidget *panel)
{
    panel->setAutoFillBackground(true);
    QPalette pal = panel->palette();
    pal.setColor(QPalette::Window, Theme::ChatBackground);
    panel->setPalette(pal);

    auto *title = new QLabel(tr("Debates"), panel);
    title->setFont(Theme::scaledFont(font(), 1.5, true));
    m_search = new QLineEdit(panel);
    m_search->setObjectName(QStringLiteral("debateSearch"));
    m_search->setAccessibleName(tr("Search debates by question"));
    m_search->setPlaceholderText(tr("Search questions…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(220);
    m_statusFilter = new QComboBox(panel);
    m_statusFilter->setObjectName(QStringLiteral("statusFilter"));
    m_statusFilter->setAccessibleName(tr("Show debates with status"));
    m_statusFilter->addItem(tr("All"), -1);
    for (rt::DebateStatus s : { rt::DebateStatus::Running, rt::DebateStatus::Paused, rt::DebateStatus::Finished,
             rt::DebateStatus::Interrupted, rt::DebateStatus::Failed })
        m_statusFilter->addItem(DebateListModel::statusText(s, true), int(s));
    auto *newButton = new QPushButton(tr("New Debate"), panel);
    newButton->setObjectName(QStringLiteral("newDebateButton"));
    newButton->setProperty("primary", true);
    newButton->setToolTip(tr("Seat agents and ask them a question (Ctrl+Shift+N)"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(m_search);
    header->addWidget(m_statusFilter);
    header->addWidget(newButton);

    // After a crash: what was interrupted, and one click to go on.
    m_interrupted = new QFrame(panel);
    m_interrupted->setObjectName(QStringLiteral("interruptedBanner"));
    Theme::style(m_interrupted,
        QStringLiteral("QFrame#interruptedBanner { background: {DemoBackground}; border: 1px solid {DemoBorder}; border-radius: 10px; } "
                       "QLabel { color: {DemoText}; }"));
    m_interruptedText = new QLabel(m_interrupted);
    m_interruptedText->setWordWrap(true);
    auto *resumeAll = new QPushButton(tr("Resume"), m_interrupted);
    resumeAll->setObjectName(QStringLiteral("resumeInterruptedButton"));
    resumeAll->setProperty("primary", true);
    auto *dismiss = new QPushButton(tr("Not Now"), m_interrupted);
    auto *bannerLayout = new QHBoxLayout(m_interrupted);
    bannerLayout->setContentsMargins(14, 8, 14, 8);
    bannerLayout->addWidget(m_interruptedText, 1);
    bannerLayout->addWidget(dismiss);
    bannerLayout->addWidget(resumeAll);
    m_interrupted->hide();
    connect(dismiss, &QPushButton::clicked, m_interrupted, &QWidget::hide);
    connect(resumeAll, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = interruptedIds();
        if (ids.isEmpty())
            return;
        // The most recent one opens in the view; the others run as tasks.
        for (qsizetype i = ids.size() - 1; i >= 0; --i)
            resumeDebate(ids.at(i));
        m_interrupted->hide();
    });

    auto *tree = new DebateTree(panel);
    m_list = tree;
    m_list->setObjectName(QStringLiteral("debateList"));
    m_list->setAccessibleName(tr("Debates"));
    m_filter->setSourceModel(m_model);
    m_list->setModel(m_filter);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setItemDelegateForColumn(DebateListModel::Agents, new AgentDotsDelegate(m_list));
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(DebateListModel::Question, QHeaderView::Stretch);
    for (int c = DebateListModel::Format; c < DebateListModel::ColumnCount; ++c)
        m_list->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    Theme::style(m_list,
        QStringLiteral(
            "QTreeView { background: {Surface}; border: 1px solid {Border}; border-radius: 10px; } QTreeView::item { padding: 6px 4px; }"));
    tree->activate = [this](const QModelIndex &index) { openDebate(index.data(DebateListModel::IdRole).toLongLong()); };
    connect(m_list, &QTreeView::activated, this, [tree](const QModelIndex &index) { tree->activate(index); });

    // The empty page explains itself and offers the first action.
    auto *empty = new QWidget(panel);
    auto *emptyTitle = new QLabel(tr("No debates yet"), empty);
    emptyTitle->setFont(Theme::scaledFont(font(), 1.4, true));
    emptyTitle->setAlignment(Qt::AlignCenter);
    m_emptyText = new QLabel(tr("Seat a few agents at the table, ask a question, and watch them argue it out round by round until "
                                "they agree (or say why they do not)."),
        empty);
    m_emptyText->setWordWrap(true);
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setFixedWidth(520);
    Theme::style(m_emptyText, QStringLiteral("color: {MutedText};"));
    auto *emptyNew = new QPushButton(tr("Start a Debate"), empty);
    emptyNew->setObjectName(QStringLiteral("emptyNewDebateButton"));
    emptyNew->setProperty("primary", true);
    emptyNew->setMinimumHeight(38);
    m_sampleButton = new QPushButton(tr("Run a Sample Debate"), empty);
    m_sampleButton->setObjectName(QStringLiteral("sampleDebateButton"));
    m_sampleButton->setToolTip(tr("Three simulated agents debate a tricky speed question"));
    m_sampleButton->setMinimumHeight(38);
    m_sampleButton->hide();
    auto *emptyButtons = new QHBoxLayout;
    emptyButtons->addStretch(1);
    emptyButtons->addWidget(emptyNew);
    emptyButtons->addWidget(m_sampleButton);
    emptyButtons->addStretch(1);
    auto *emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(emptyTitle);
    auto *emptyTextRow = new QHBoxLayout;
    emptyTextRow->addStretch(1);
    emptyTextRow->addWidget(m_emptyText);
    emptyTextRow->addStretch(1);
    emptyLayout->addLayout(emptyTextRow);
    emptyLayout->addSpacing(12);
    emptyLayout->addLayout(emptyButtons);
    emptyLayout->addStretch(2);

    m_listStack = new QStackedWidget(panel);
    m_listStack->addWidget(m_list);
    m_listStack->addWidget(empty);

    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(24, 18, 24, 18);
    layout->setSpacing(12);
    layout->addLayout(header);
    m_listError = new QLabel(panel);
    m_listError->setObjectName(QStringLiteral("debateListError"));
    m_listError->setWordWrap(true);
    Theme::style(m_listError,
        QStringLiteral("QLabel { color: {ErrorText}; background: {ErrorBackground}; border: 1px solid {ErrorBorder}; border-radius: 8px; "
                       "padding: 8px 10px; }"));
    m_listError->hide();
    layout->addWidget(m_interrupted);
    layout->addWidget(m_listError);
    layout->addWidget(m_listStack, 1);

    connect(newButton, &QPushButton::clicked, this, &DebatesPage::newDebate);
    connect(emptyNew, &QPushButton::clicked, this, &DebatesPage::newDebate);
    connect(m_sampleButton, &QPushButton::clicked, this, &DebatesPage::startSample);
    connect(m_search, &QLineEdit::textChanged, m_filter, &DebateFilterModel::setText);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int status = m_statusFilter->currentData().toInt();
        m_filter->setStatus(status < 0 ? std::nullopt : std::optional<rt::DebateStatus>(rt::DebateStatus(status)));
    });
    updateEmptyState();
}

DebatesPage::Panel DebatesPage::panel() const
{
    if (m_stack->currentWidget() == m_new)
        return Panel::New;
    if (m_stack->currentWidget() == m_view)
        return Panel::Debate;
    return Panel::List;
}

DebateSession *DebatesPage::currentSession() const
{
    return panel() == Panel::Debate ? m_view->session() : nullptr;
}

int DebatesPage::runningCount() const
{
    int n = 0;
    for (DebateSession *s : m_live) {
        const DebateSession::Phase p = s->phase();
        n += s->isLive() && (p == DebateSession::Phase::Starting || p == DebateSession::Phase::Running || p == DebateSession::Phase::Paused)
            ? 1
            : 0;
    }
    return n;
}

void DebatesPage::setDemo(bool demo)
{
    m_demo = demo;
    updateEmptyState();
}

void DebatesPage::updateEmptyState()
{
    const bool empty = m_model->rowCount() == 0;
    m_listStack->setCurrentIndex(empty ? 1 : 0);
    m_sampleButton->setVisible(m_demo);
}

void DebatesPage::showList()
{
    m_stack->setCurrentWidget(m_listPanel);
    m_list->setFocus();
    reload();
}

void DebatesPage::newDebate()
{
    if (m_catalog)
        m_catalog->refresh();
    m_new->reloadModels();
    m_stack->setCurrentWidget(m_new);
    m_new->focusQuestion();
}

DebateSession *DebatesPage::followJob(DebateJob *job)
{
    // The table shows every seat at once: independent turns stream side by side.
    job->engine()->setConcurrentTurns(true);
    auto *session = new DebateSession(this);
    session->follow(job->engine());
    m_live.append(session);
    // Keep the list and the status bar in step with the debate.
    auto summarise = [this, session] {
        if (session->debateId() <= 0)
            return;
        DebateSummary row;
        row.id = session->debateId();
        row.question = session->info().question;
        row.format = DebateText::formatName(session->info().format);
        row.liveHere = session->isLive();
        switch (session->phase()) {
        case DebateSession::Phase::Starting:
        case DebateSession::Phase::Running:
            row.status = rt::DebateStatus::Running;
            break;
        case DebateSession::Phase::Paused:
            row.status = rt::DebateStatus::Paused;
            break;
        case DebateSession::Phase::Finished:
            row.status = rt::DebateStatus::Finished;
            break;
        case DebateSession::Phase::Failed:
            row.status = rt::DebateStatus::Failed;
            break;
        case DebateSession::Phase::Interrupted:
            row.status = rt::DebateStatus::Interrupted;
            break;
        }
        if (!session->rounds().isEmpty())
            row.score = session->rounds().constLast().score;
        for (const Seat &seat : session->seats()) {
            row.agents << seat.agent.name;
            row.colours << SeatCard::colourOf(seat.agent, seat.index).name();
        }
        row.createdAt = QDateTime::currentDateTimeUtc();
        if (const auto old = m_model->debate(row.id); old && old->createdAt.isValid())
            row.createdAt = old->createdAt;
        m_model->upsert(row);
        updateEmptyState();
        emit runningChanged(runningCount());
    };
    connect(session, &DebateSession::reset, this, summarise);
    connect(session, &DebateSession::phaseChanged, this, summarise);
    connect(session, &DebateSession::consensusUpdated, this, summarise);
    connect(session, &DebateSession::liveEnded, this, summarise);
    return session;
}

void DebatesPage::showSession(DebateSession *session)
{
    m_view->setSession(session);
    // Debates that ended here and are no longer shown live on in storage only.
    for (qsizetype i = m_live.size() - 1; i >= 0; --i) {
        DebateSession *old = m_live.at(i);
        if (old != session && !old->isLive()) {
            m_live.removeAt(i);
            old->deleteLater();
        }
    }
    m_stack->setCurrentWidget(m_view);
    m_view->setFocus();
    if (const qint64 turnId = std::exchange(m_showTurn, 0); turnId > 0) {
        const bool found = m_view->highlightTurn(turnId);
        // Again once the view has its size, so the turn is really in view.
        QTimer::singleShot(0, m_view, [view = m_view, turnId] {
            if (view->highlightedTurnId() == turnId)
                view->highlightTurn(turnId);
        });
        emit turnShown(found ? turnId : 0);
    }
}

void DebatesPage::showTurn(qint64 debateId, qint64 turnId)
{
    m_showTurn = turnId;
    openDebate(debateId);
}

void DebatesPage::startDebate(const DebateConfig &config)
{
    if (!m_workspace || !m_workspace->isReady() || !m_workspace->tasks())
        return;
    auto job = std::make_unique<DebateJob>(m_pool, m_workspace->debates(), config);
    DebateSession *session = followJob(job.get());
    showSession(session);
    m_workspace->tasks()->submit(DebateJob::Kind, DebateJob::title(config.question), std::move(job));
    emit runningChanged(runningCount());
}

void DebatesPage::startSample()
{
    DebateConfig config;
    config.question = tr(kSampleQuestion);
    const QStringList models { QStringLiteral("llama3.2:1b"), QStringLiteral("gemma3:1b"), QStringLiteral("qwen3:0.6b") };
    const QStringList roles { QStringLiteral("Proponent"), QStringLiteral("Skeptic"), QStringLiteral("Pragmatist") };
    rt::agents::AgentRegistry *registry = m_workspace ? m_workspace->agents() : nullptr;
    for (int i = 0; i < roles.size(); ++i) {
        std::optional<rt::agents::Agent> agent = registry ? registry->findByName(roles.at(i)) : std::nullopt;
        if (!agent)
            continue;
        if (!m_catalog || m_catalog->model(models.at(i)) || !m_catalog->hasAnyList())
            agent->model = models.at(i);
        config.agents.append(*agent);
    }
    config.seed = 7;
    config.consensusThreshold = 1.0; // the sample goes on until everyone agrees (or three rounds)
    startDebate(config);
}

DebateSession *DebatesPage::liveSession(qint64 debateId) const
{
    for (DebateSession *s : m_live) {
        if (s->debateId() == debateId && s->isLive())
            return s;
    }
    return nullptr;
}

void DebatesPage::openDebate(qint64 debateId)
{
    if (DebateSession *live = liveSession(debateId)) {
        showSession(live);
        return;
    }
    if (!m_workspace || !m_workspace->debates())
        return;
    m_workspace->debates()->loadDebate(debateId, this, [this, debateId](const rt::Result<StoredDebate> &result) {
        if (!result) {
            qCWarning(lcUi).noquote() << "cannot open debate" << debateId << result.error().message;
            showListError(tr("Debate %1 could not be opened: %2").arg(debateId).arg(result.error().message));
            return;
        }
        if (!m_stored)
            m_stored = new DebateSession(this);
        m_stored->load(*result);
        showSession(m_stored);
    });
}

QList<qint64> DebatesPage::interruptedIds() const
{
    QList<qint64> ids;
    for (const DebateSummary &d : m_model->debates()) {
        if (d.status == rt::DebateStatus::Interrupted && !liveSession(d.id))
            ids.append(d.id);
    }
    if (m_workspace && m_workspace->tasks()) {
        for (const rt::tasks::TaskInfo &t : m_workspace->tasks()->interruptedTasks()) {
            const qint64 id = qint64(t.payload.value(DebateJob::DebateIdKey).toDouble());
            if (t.kind == DebateJob::Kind && id > 0 && !ids.contains(id) && !liveSession(id))
                ids.append(id);
        }
    }
    return ids;
}

void DebatesPage::onInterruptedFound(const QList<rt::tasks::TaskInfo> &)
{
    updateInterruptedBanner();
}

void DebatesPage::updateInterruptedBanner()
{
    const QList<qint64> ids = interruptedIds();
    if (ids.isEmpty()) {
        m_interrupted->hide();
        return;
    }
    m_interruptedText->setText(tr("%n debate(s) stopped before the end (the app or Ollama went away). Resume continues from the last saved "
                                  "turn; nothing said so far is lost.",
        nullptr, int(ids.size())));
    m_interrupted->show();
    if (!m_offered) {
        m_offered = true;
        emit interruptedOffered(int(ids.size()));
    }
}

void DebatesPage::resumeDebate(qint64 debateId)
{
    if (!m_workspace || !m_workspace->tasks() || liveSession(debateId))
        return;
    rt::tasks::TaskManager *tasks = m_workspace->tasks();
    // The same task goes on when there is one (as `roundtable tasks resume`);
    // else a new task continues the stored debate.
    DebateJob *job = nullptr;
    for (const rt::tasks::TaskInfo &t : tasks->tasks()) {
        if (t.kind != DebateJob::Kind || qint64(t.payload.value(DebateJob::DebateIdKey).toDouble()) != debateId || !tasks->canResume(t.id))
            continue;
        if (tasks->resume(t.id))
            job = qobject_cast<DebateJob *>(tasks->job(t.id));
        break;
    }
    std::unique_ptr<DebateJob> fresh;
    if (!job) {
        fresh = std::make_unique<DebateJob>(m_pool, m_workspace->debates(), debateId);
        job = fresh.get();
    }
    DebateSession *session = followJob(job);
    // What is stored shows at once; the engine carries on from there.
    m_workspace->debates()->loadDebate(debateId, session, [session](const rt::Result<StoredDebate> &stored) {
        if (stored && session->turns().isEmpty())
            session->load(*stored);
    });
    showSession(session);
    if (fresh)
        tasks->submit(DebateJob::Kind, DebateJob::title(tr("debate %1").arg(debateId)), std::move(fresh));
    updateInterruptedBanner();
    emit runningChanged(runningCount());
}

void DebatesPage::exportDebate(qint64 debateId)
{
    if (!m_workspace || debateId <= 0)
        return;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested = dir + QStringLiteral("/debate-%1.md").arg(debateId);
    auto write = [this, debateId](const QString &path) {
        if (path.isEmpty())
            return;
        const auto format = path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) ? rt::storage::ExportFormat::Json
                                                                                        : rt::storage::ExportFormat::Markdown;
        rt::whenReady(m_workspace->storage()->exportDebate(debateId, format), this, [this, path](const rt::Result<QByteArray> &data) {
            if (!data) {
                emit exported(path, data.error().message);
                return;
            }
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(*data) != data->size() || !file.commit()) {
                emit exported(path, tr("Could not write %1: %2").arg(path, file.errorString()));
                return;
            }
            emit exported(path, QString());
        });
    };
    if (m_saveFileHook) {
        write(m_saveFileHook(suggested));
        return;
    }
    auto *dialog = new QFileDialog(this, tr("Export Debate"), suggested, tr("Markdown (*.md);;JSON (*.json)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, write);
    dialog->open(); // window-modal, no nested event loop
}

void DebatesPage::showListError(const QString &message)
{
    m_listError->setText(message);
    m_listError->setVisible(!message.isEmpty());
    if (!message.isEmpty() && panel() != Panel::List)
        m_stack->setCurrentWidget(m_listPanel);
}

void DebatesPage::stopAll()
{
    for (DebateSession *s : std::as_const(m_live)) {
        if (s->isLive())
            s->engine()->stop();
    }
}

void DebatesPage::reload()
{
    if (!m_workspace || !m_workspace->isReady())
        return;
    const quint64 seq = ++m_reloadSeq;
    auto read = m_workspace->storage()->read([](rt::storage::StorageContext &c) -> rt::Result<QList<DebateSummary>> {
        auto list = c.debates().list(500);
        if (!list)
            return list.error();
        QList<DebateSummary> out;
        out.reserve(list->size());
        for (const rt::storage::Debate &d : *list) {
            DebateSummary s;
            s.id = d.id;
            s.question = d.question;
            s.format = DebateText::formatName(d.format);
            s.status = d.status;
            s.score = d.consensusScore;
            s.createdAt = d.createdAt;
            if (auto seats = c.debates().participants(d.id)) {
                for (const rt::storage::DebateParticipant &p : *seats) {
                    const rt::agents::Agent agent = rt::agents::Agent::fromJson(p.agent);
                    s.agents << agent.name;
                    s.colours << SeatCard::colourOf(agent, p.seat).name();
                }
            }
            out.append(s);
        }
        return out;
    });
    rt::whenReady(read, this, [this, seq](const rt::Result<QList<DebateSummary>> &result) {
        if (seq != m_reloadSeq)
            return; // a newer reload is on its way
        if (!result) {
            showListError(tr("The debates could not be read: %1").arg(result.error().message));
            return;
        }
        showListError(QString());
        m_model->setDebates(*result);
        m_loaded = true;
        updateEmptyState();
        updateInterruptedBanner();
    });
}

} // namespace rt::ui

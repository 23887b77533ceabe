#include "pulldialog.h"

#include "common/futurecallback.h"
#include "common/logging.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "llm/modelname.h"
#include "tasks/pulljob.h"
#include "tasks/taskmanager.h"
#include "theme.h"
#include "workspace.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace rt::ui {

namespace {
QLabel *muted(const QString &text, QWidget *parent, qreal scale = 0.9)
{
    auto *label = new QLabel(text, parent);
    label->setFont(Theme::scaledFont(label->font(), scale));
    Theme::style(label, QStringLiteral("color: {MutedText};"));
    label->setWordWrap(true);
    return label;
}

QString shortDigest(const QString &digest)
{
    const QString hex = digest.section(u':', -1);
    return hex.left(12);
}
} // namespace

QList<QPair<QString, QString>> PullDialog::commonModels()
{
    return {
        { QStringLiteral("llama3.2:3b"), tr("a good first chat model, 2.0 GB") },
        { QStringLiteral("llama3.2:1b"), tr("small and fast, 1.3 GB") },
        { QStringLiteral("qwen2.5:7b"), tr("reasoning and code, 4.7 GB") },
        { QStringLiteral("mistral:7b"), tr("a capable all-rounder, 4.1 GB") },
        { QStringLiteral("gemma2:2b"), tr("Google's small model, 1.6 GB") },
        { QStringLiteral("phi3:mini"), tr("Microsoft, 3.8B, 2.2 GB") },
        { QStringLiteral("deepseek-r1:1.5b"), tr("thinks before answering, 1.1 GB") },
        { QStringLiteral("nomic-embed-text:latest"), tr("embeddings (consensus), 274 MB") },
    };
}

PullDialog::PullDialog(rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, Workspace *workspace, QWidget *parent)
    : QFrame(parent)
    , m_pool(pool)
    , m_catalog(catalog)
    , m_workspace(workspace)
{
    setObjectName(QStringLiteral("pullDialog"));
    setAccessibleName(tr("Pull a model"));
    Theme::style(this, QStringLiteral("QFrame#pullDialog { background: {Surface}; border-left: 1px solid {Border}; }"));
    setMinimumWidth(360);
    setMaximumWidth(460);

    auto *title = new QLabel(tr("Pull a Model"), this);
    title->setFont(Theme::scaledFont(font(), 1.2, true));
    auto *close = new QToolButton(this);
    close->setObjectName(QStringLiteral("closePullButton"));
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close; pulls go on, and the status bar shows them"));
    close->setAccessibleName(tr("Close the pull panel"));
    auto *head = new QHBoxLayout;
    head->addWidget(title, 1);
    head->addWidget(close);

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("pullModelEdit"));
    m_model->setEditable(true);
    m_model->setInsertPolicy(QComboBox::NoInsert);
    m_model->setAccessibleName(tr("Model to pull"));
    m_model->lineEdit()->setPlaceholderText(tr("Any model name, e.g. llama3.2:3b"));
    m_model->lineEdit()->setClearButtonEnabled(true);
    for (const auto &[name, what] : commonModels())
        m_model->addItem(name);
    m_model->setCurrentIndex(-1);
    m_model->setEditText(QString());
    m_host = new QComboBox(this);
    m_host->setObjectName(QStringLiteral("pullHostPicker"));
    m_host->setAccessibleName(tr("Host to pull on"));
    m_pull = new QPushButton(tr("Pull"), this);
    m_pull->setObjectName(QStringLiteral("pullButton"));
    m_pull->setProperty("primary", true);
    m_pull->setToolTip(tr("Download the model to the host (Enter)"));
    auto *form = new QHBoxLayout;
    form->setSpacing(6);
    form->addWidget(m_model, 1);
    form->addWidget(m_host);
    form->addWidget(m_pull);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("pullMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *suggestionsLabel = muted(tr("Common models — click one to fill in its name; any name from ollama.com/library works."), this);
    m_suggestions = new QListWidget(this);
    m_suggestions->setObjectName(QStringLiteral("pullSuggestions"));
    m_suggestions->setAccessibleName(tr("Common models"));
    Theme::style(m_suggestions,
        QStringLiteral("QListWidget { border: 1px solid {Border}; border-radius: 6px; background: {Surface}; }"
                       "QListWidget::item { padding: 3px 6px; }"));
    m_suggestions->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_suggestions->setTextElideMode(Qt::ElideRight);
    for (const auto &[name, what] : commonModels()) {
        auto *item = new QListWidgetItem(tr("%1 — %2").arg(name, what), m_suggestions);
        item->setData(Qt::UserRole, name);
        item->setToolTip(what);
    }
    m_suggestions->setMaximumHeight(m_suggestions->sizeHintForRow(0) * (m_suggestions->count() + 1) + 8);

    auto *pullsLabel = new QLabel(tr("Pulls"), this);
    pullsLabel->setFont(Theme::scaledFont(font(), 1.0, true));
    m_empty = muted(tr("No pulls yet. A pull goes on when you close this panel, and continues after a restart."), this);
    auto *rowsHost = new QWidget;
    rowsHost->setObjectName(QStringLiteral("pullRows"));
    m_rows = new QVBoxLayout(rowsHost);
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rows->setSpacing(8);
    m_rows->addWidget(m_empty);
    m_rows->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(rowsHost);
    scroll->setStyleSheet(QStringLiteral("QScrollArea, QWidget#pullRows { background: transparent; }"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 16, 18, 16);
    layout->setSpacing(8);
    layout->addLayout(head);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(suggestionsLabel);
    layout->addWidget(m_suggestions);
    layout->addSpacing(6);
    layout->addWidget(pullsLabel);
    layout->addWidget(scroll, 1);

    connect(close, &QToolButton::clicked, this, &PullDialog::closeRequested);
    connect(m_pull, &QPushButton::clicked, this, &PullDialog::startPull);
    connect(m_model->lineEdit(), &QLineEdit::returnPressed, this, &PullDialog::startPull);
    connect(m_model, &QComboBox::editTextChanged, this, [this] { m_pull->setEnabled(!modelName().isEmpty()); });
    connect(m_suggestions, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        m_model->setEditText(item->data(Qt::UserRole).toString());
        m_model->setFocus();
    });
    connect(m_suggestions, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        m_model->setEditText(item->data(Qt::UserRole).toString());
        startPull();
    });
    if (m_pool) {
        connect(m_pool, &rt::llm::EndpointPool::hostAdded, this, &PullDialog::refreshHosts);
        connect(m_pool, &rt::llm::EndpointPool::hostRemoved, this, &PullDialog::refreshHosts);
        connect(m_pool, &rt::llm::EndpointPool::hostStateChanged, this, &PullDialog::refreshHosts);
    }
    refreshHosts();
    m_pull->setEnabled(false);
    setFocusProxy(m_model);

    if (m_workspace) {
        if (m_workspace->isReady())
            attach(m_workspace->tasks());
        else
            connect(m_workspace, &Workspace::ready, this, [this] { attach(m_workspace->tasks()); });
    }
}

rt::tasks::TaskManager *PullDialog::tasks() const
{
    return m_workspace && m_workspace->isReady() ? m_workspace->tasks() : nullptr;
}

void PullDialog::attach(rt::tasks::TaskManager *tasks)
{
    if (!tasks)
        return;
    connect(tasks, &rt::tasks::TaskManager::taskAdded, this, &PullDialog::onTask);
    connect(tasks, &rt::tasks::TaskManager::taskChanged, this, &PullDialog::onTask);
    connect(tasks, &rt::tasks::TaskManager::taskFinished, this, &PullDialog::onTask);
    connect(tasks, &rt::tasks::TaskManager::taskRemoved, this, &PullDialog::removeRow);
    const QList<rt::tasks::TaskInfo> known = tasks->tasks();
    for (auto it = known.crbegin(); it != known.crend(); ++it)
        onTask(*it);
}

void PullDialog::refreshHosts()
{
    if (!m_pool)
        return;
    const QString current = m_host->currentData().toString();
    const QStringList names = m_pool->hostNames();
    const QSignalBlocker block(m_host);
    m_host->clear();
    for (const QString &name : names) {
        const bool up = m_pool->isAvailable(name);
        m_host->addItem(up ? name : tr("%1 (offline)").arg(name), name);
    }
    const int index = m_host->findData(current);
    m_host->setCurrentIndex(qMax(0, index));
    m_host->setVisible(names.size() > 1);
}

void PullDialog::prefill(const QString &model, const QString &host)
{
    if (!model.isEmpty())
        m_model->setEditText(model);
    if (!host.isEmpty()) {
        if (const int index = m_host->findData(host); index >= 0)
            m_host->setCurrentIndex(index);
    }
    m_message->hide();
    m_model->setFocus();
    m_model->lineEdit()->selectAll();
}

QString PullDialog::modelName() const
{
    return m_model->currentText().trimmed();
}

QString PullDialog::hostName() const
{
    const QString host = m_host->currentData().toString();
    return host.isEmpty() && m_pool ? m_pool->defaultHost() : host;
}

void PullDialog::say(const QString &text, bool error)
{
    m_message->setText(text);
    Theme::style(m_message, error ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {MutedText};"));
    m_message->setVisible(!text.isEmpty());
}

bool PullDialog::startPull()
{
    const QString model = modelName();
    const QString host = hostName();
    if (model.isEmpty()) {
        say(tr("Type the name of a model, or click one of the common models."), true);
        return false;
    }
    if (model.contains(u' ')) {
        say(tr("A model name has no spaces, e.g. llama3.2:3b."), true);
        return false;
    }
    rt::tasks::TaskManager *manager = tasks();
    if (!manager) {
        say(tr("The task list is still opening; try again in a moment."), true);
        return false;
    }
    if (m_pool && !m_pool->isAvailable(host)) {
        say(tr("The host “%1” is not answering, so it cannot download now. Pick another host or start Ollama there.").arg(host), true);
        return false;
    }
    const QString wanted = rt::llm::normalizeModelName(model);
    // The same pull running: show it. Interrupted or failed: continue it.
    for (const rt::tasks::TaskInfo &t : manager->tasks()) {
        if (t.kind != rt::tasks::PullJob::Kind || t.host != host
            || rt::llm::normalizeModelName(t.payload.value(QStringLiteral("model")).toString()) != wanted)
            continue;
        if (!t.isFinished()) {
            say(tr("%1 is already being pulled on %2.").arg(model, host), false);
            return false;
        }
        if ((t.status == rt::TaskStatus::Interrupted || t.status == rt::TaskStatus::Failed) && manager->canResume(t.id)) {
            m_dismissed.remove(t.id);
            if (const rt::Status resumed = manager->resume(t.id); resumed.ok()) {
                say(QString(), false);
                emit pullStarted(t.id);
                return true;
            }
        }
        break;
    }
    if (m_catalog && m_catalog->model(model, host)) {
        say(tr("%1 is installed on %2 already; pulling it again fetches updates.").arg(model, host), false);
    } else {
        say(QString(), false);
    }
    auto submitted = manager->submit(rt::tasks::PullJob::Kind, rt::tasks::PullJob::title(model),
        std::make_unique<rt::tasks::PullJob>(m_catalog, model, host), rt::tasks::PullJob::options(model, host));
    rt::whenReady(submitted, this, [this](const rt::Result<qint64> &id) {
        if (!id) {
            say(tr("The pull could not be started: %1").arg(id.error().message), true);
            return;
        }
        emit pullStarted(*id);
    });
    m_model->setEditText(QString());
    return true;
}

void PullDialog::onTask(const rt::tasks::TaskInfo &task)
{
    if (task.kind != rt::tasks::PullJob::Kind || m_dismissed.contains(task.id))
        return;
    // Finished pulls of an earlier run are history; what is still open (or
    // interrupted, to resume) is shown, and whatever ran here stays.
    const bool known = m_rowById.contains(task.id);
    if (!known && task.isFinished() && task.status != rt::TaskStatus::Interrupted)
        return;
    updateRow(rowFor(task), task);
}

PullDialog::Row &PullDialog::rowFor(const rt::tasks::TaskInfo &task)
{
    auto it = m_rowById.find(task.id);
    if (it != m_rowById.end())
        return *it;
    Row row;
    row.frame = new QFrame;
    row.frame->setObjectName(QStringLiteral("pullRow"));
    Theme::style(
        row.frame, QStringLiteral("QFrame#pullRow { background: {ChatBackground}; border: 1px solid {Border}; border-radius: 8px; }"));
    row.title = new QLabel(row.frame);
    row.title->setFont(Theme::scaledFont(font(), 1.0, true));
    row.title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row.status = new QLabel(row.frame);
    row.status->setWordWrap(true);
    row.layers = muted(QString(), row.frame, 0.85);
    row.layers->setTextFormat(Qt::PlainText);
    row.layers->hide();
    row.bar = new QProgressBar(row.frame);
    row.bar->setRange(0, 100);
    row.bar->setTextVisible(false);
    row.bar->setFixedHeight(8);
    row.action = new QPushButton(row.frame);
    row.dismiss = new QPushButton(tr("Dismiss"), row.frame);
    row.dismiss->setToolTip(tr("Remove it from this list"));
    row.dismiss->hide();
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    buttons->addWidget(row.title, 1);
    buttons->addWidget(row.dismiss);
    buttons->addWidget(row.action);
    auto *layout = new QVBoxLayout(row.frame);
    layout->setContentsMargins(12, 10, 12, 10);
    layout->setSpacing(5);
    layout->addLayout(buttons);
    layout->addWidget(row.bar);
    layout->addWidget(row.status);
    layout->addWidget(row.layers);

    const qint64 id = task.id;
    connect(row.action, &QPushButton::clicked, this, [this, id] {
        rt::tasks::TaskManager *manager = tasks();
        const std::optional<rt::tasks::TaskInfo> t = manager ? manager->task(id) : std::nullopt;
        if (!t)
            return;
        if (!t->isFinished()) {
            if (const rt::Status cancelled = manager->cancel(id); !cancelled)
                say(cancelled.error().message, true);
        } else if (manager->canResume(id)) {
            if (const rt::Status resumed = manager->resume(id); !resumed)
                say(resumed.error().message, true);
        } else {
            // Cancelled or finished: pull it again (a new task; Ollama keeps what it has).
            m_model->setEditText(t->payload.value(QStringLiteral("model")).toString());
            if (const int index = m_host->findData(t->host); index >= 0)
                m_host->setCurrentIndex(index);
            startPull();
        }
    });
    connect(row.dismiss, &QPushButton::clicked, this, [this, id] {
        m_dismissed.insert(id);
        removeRow(id);
    });
    m_rows->insertWidget(0, row.frame);
    m_order.prepend(id);
    it = m_rowById.insert(id, row);
    updateEmpty();
    return *it;
}

void PullDialog::updateRow(Row &row, const rt::tasks::TaskInfo &task)
{
    const QString model = task.payload.value(QStringLiteral("model")).toString();
    const bool manyHosts = m_pool && m_pool->hostNames().size() > 1;
    row.title->setText(manyHosts && !task.host.isEmpty() ? tr("%1 on %2").arg(model, task.host) : model);
    QString status;
    QColor colour = Theme::Text;
    switch (task.status) {
    case rt::TaskStatus::Queued:
        status = tr("Waiting for another pull on this host to finish…");
        colour = Theme::MutedText;
        break;
    case rt::TaskStatus::Running:
    case rt::TaskStatus::Paused:
        status = task.progressText.isEmpty() ? tr("Starting…") : task.progressText;
        break;
    case rt::TaskStatus::Succeeded:
        status = tr("✓ Pulled: %1 is ready to use.").arg(model);
        colour = Theme::Online;
        break;
    case rt::TaskStatus::Cancelled:
        status = tr("Cancelled. Pull it again to continue where it stopped.");
        colour = Theme::MutedText;
        break;
    case rt::TaskStatus::Failed:
        status = tr("Failed: %1").arg(task.error.isEmpty() ? tr("unknown error") : task.error);
        colour = Theme::ErrorText;
        break;
    case rt::TaskStatus::Interrupted:
        status = tr("Interrupted (%1). Resume continues the download.").arg(task.error.isEmpty() ? tr("Roundtable closed") : task.error);
        colour = Theme::WarningText;
        break;
    }
    row.status->setText(status);
    row.status->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(colour)));
    if (task.status == rt::TaskStatus::Succeeded)
        row.percent = 100;
    else if (task.progress >= 0 && task.status == rt::TaskStatus::Running)
        row.percent = qBound(0, qRound(task.progress * 100), 100);
    row.bar->setVisible(!task.isFinished() || task.status == rt::TaskStatus::Succeeded || row.percent > 0);
    if (task.progress < 0 && task.status == rt::TaskStatus::Running && row.percent < 0)
        row.bar->setRange(0, 0); // busy indicator until a size is known
    else {
        row.bar->setRange(0, 100);
        row.bar->setValue(qMax(0, row.percent));
    }
    if (task.isFinished())
        row.layers->setVisible(task.status != rt::TaskStatus::Succeeded && !row.layers->text().isEmpty());

    const bool resumable
        = task.isFinished() && task.resumable && task.status != rt::TaskStatus::Succeeded && task.status != rt::TaskStatus::Cancelled;
    if (!task.isFinished()) {
        row.action->setText(tr("Cancel"));
        row.action->setProperty("danger", true);
        row.action->setToolTip(tr("Stop the download; pulling again later continues it"));
    } else if (resumable) {
        row.action->setText(tr("Resume"));
        row.action->setProperty("danger", false);
        row.action->setToolTip(tr("Continue the download"));
    } else if (task.status != rt::TaskStatus::Succeeded) {
        row.action->setText(tr("Pull Again"));
        row.action->setProperty("danger", false);
        row.action->setToolTip(tr("Start the pull again; Ollama keeps what it downloaded"));
    }
    row.action->setVisible(task.status != rt::TaskStatus::Succeeded && !task.isForeign);
    row.action->style()->unpolish(row.action);
    row.action->style()->polish(row.action);
    row.dismiss->setVisible(task.isFinished());

    // The layers come from the job itself, while it runs here.
    if (!row.jobConnected && task.status == rt::TaskStatus::Running) {
        if (auto *job = qobject_cast<rt::tasks::PullJob *>(tasks() ? tasks()->job(task.id) : nullptr)) {
            row.jobConnected = true;
            const qint64 id = task.id;
            connect(job, &rt::tasks::PullJob::pullProgressed, this, [this, id](const rt::llm::PullProgress &p) { onProgress(id, p); });
        }
    }
    if (task.isFinished())
        row.jobConnected = false; // a resumed task gets a new job
}

void PullDialog::onProgress(qint64 id, const rt::llm::PullProgress &progress)
{
    auto it = m_rowById.find(id);
    if (it == m_rowById.end())
        return;
    QStringList lines;
    for (const rt::llm::PullLayer &layer : progress.layers) {
        const int percent = layer.total > 0 ? int(100 * layer.completed / layer.total) : 0;
        lines << tr("%1  %2%  of %3").arg(shortDigest(layer.digest)).arg(percent, 3).arg(rt::llm::formatBytes(layer.total));
    }
    it->layers->setText(lines.isEmpty() ? QString() : tr("Layers:\n%1").arg(lines.join(u'\n')));
    it->layers->setVisible(!lines.isEmpty());
    if (progress.percent() >= 0 && progress.phase == rt::llm::PullProgress::Phase::Downloading) {
        it->percent = progress.percent();
        it->bar->setRange(0, 100);
        it->bar->setValue(it->percent);
    }
}

void PullDialog::removeRow(qint64 id)
{
    auto it = m_rowById.find(id);
    if (it == m_rowById.end())
        return;
    it->frame->deleteLater();
    m_rowById.erase(it);
    m_order.removeAll(id);
    updateEmpty();
}

void PullDialog::updateEmpty()
{
    m_empty->setVisible(m_rowById.isEmpty());
}

QList<qint64> PullDialog::shownTasks() const
{
    return m_order;
}

QString PullDialog::rowText(qint64 taskId) const
{
    const auto it = m_rowById.constFind(taskId);
    if (it == m_rowById.cend())
        return {};
    return QStringList { it->title->text(), it->status->text(), it->layers->text() }.join(u'\n');
}

int PullDialog::rowPercent(qint64 taskId) const
{
    const auto it = m_rowById.constFind(taskId);
    return it == m_rowById.cend() ? -1 : it->percent;
}

QPushButton *PullDialog::rowButton(qint64 taskId) const
{
    const auto it = m_rowById.constFind(taskId);
    return it == m_rowById.cend() ? nullptr : it->action;
}

} // namespace rt::ui

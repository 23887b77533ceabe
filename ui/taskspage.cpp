#include "taskspage.h"

#include "tasklistmodel.h"
#include "tasks/taskmanager.h"
#include "theme.h"
#include "workspace.h"

#include <QApplication>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

namespace rt::ui {

using rt::TaskStatus;
using rt::tasks::TaskInfo;

namespace {

// Rows with room to breathe; the progress column draws a thin bar under
// its percentage.
class TaskRowDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        size.setHeight(size.height() + 16);
        return size;
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        if (index.column() != TaskListModel::ProgressColumn) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        // The cell (selection included) without text, the text in its upper
        // part, the bar below it.
        QStyleOptionViewItem cell = option;
        initStyleOption(&cell, index);
        const QString text = cell.text;
        cell.text.clear();
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, widget);
        const bool selected = option.state & QStyle::State_Selected;
        painter->save();
        painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        painter->drawText(option.rect.adjusted(6, 0, -6, -10), Qt::AlignLeft | Qt::AlignVCenter, text);
        painter->restore();
        const double progress = index.data(TaskListModel::ProgressRole).toDouble();
        const auto status = TaskStatus(index.data(TaskListModel::StatusRole).toInt());
        if (progress < 0 || status == TaskStatus::Queued || (status == TaskStatus::Failed && progress <= 0))
            return;
        const double shown = status == TaskStatus::Succeeded ? 1.0 : std::clamp(progress, 0.0, 1.0);
        const QRect track = option.rect.adjusted(6, option.rect.height() - 9, -10, -5);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(Theme::Border);
        painter->drawRoundedRect(track, 2, 2);
        QColor fill = Theme::Accent;
        if (status == TaskStatus::Failed)
            fill = Theme::ErrorText;
        else if (status == TaskStatus::Interrupted || status == TaskStatus::Paused || status == TaskStatus::Cancelled)
            fill = Theme::MutedText;
        else if (status == TaskStatus::Succeeded)
            fill = Theme::Online;
        painter->setBrush(fill);
        painter->drawRoundedRect(QRectF(track.x(), track.y(), track.width() * shown, track.height()), 2, 2);
        painter->restore();
    }
};

QString when(const QDateTime &utc)
{
    return utc.isValid() ? QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace

TasksPage::TasksPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(new TaskListModel(this))
    , m_view(new QTreeView(this))
    , m_summary(new QLabel(this))
    , m_empty(new QLabel(this))
    , m_detail(new QLabel(this))
    , m_error(new QLabel(this))
    , m_showFinished(new QCheckBox(tr("Show &finished"), this))
    , m_cancel(new QPushButton(tr("&Cancel Task"), this))
    , m_pause(new QPushButton(tr("&Pause"), this))
    , m_resume(new QPushButton(tr("&Resume"), this))
    , m_open(new QPushButton(tr("&Open"), this))
    , m_clear(new QPushButton(tr("C&lear Finished"), this))
{
    setObjectName(QStringLiteral("tasksPage"));
    setAutoFillBackground(true);

    auto *title = new QLabel(tr("Tasks"), this);
    title->setFont(Theme::scaledFont(font(), 1.5, true));
    m_summary->setObjectName(QStringLiteral("tasksSummary"));
    Theme::style(m_summary, QStringLiteral("color: {MutedText};"));

    m_view->setObjectName(QStringLiteral("taskList"));
    m_view->setAccessibleName(tr("Tasks"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setItemDelegate(new TaskRowDelegate(m_view));
    m_view->header()->setStretchLastSection(true);
    m_view->header()->setSectionResizeMode(TaskListModel::TitleColumn, QHeaderView::Interactive);
    m_view->setColumnWidth(TaskListModel::TitleColumn, 300);
    m_view->setColumnWidth(TaskListModel::StatusColumn, 110);
    m_view->setColumnWidth(TaskListModel::ProgressColumn, 90);
    m_view->setColumnWidth(TaskListModel::HostColumn, 90);
    m_view->setColumnWidth(TaskListModel::ElapsedColumn, 90);

    m_empty->setObjectName(QStringLiteral("tasksEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setText(tr("No tasks yet. Debates and model pulls run here as tasks: you can close their pages, and follow, "
                        "cancel or resume them from this list."));
    Theme::style(m_empty, QStringLiteral("color: {MutedText}; padding: 24px;"));

    m_detail->setObjectName(QStringLiteral("taskDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setTextFormat(Qt::RichText);
    m_detail->setMinimumHeight(60);
    m_detail->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    Theme::style(m_detail,
        QStringLiteral("QLabel#taskDetail { background: {Surface}; border: 1px solid {Border}; border-radius: 8px; padding: 10px; }"));

    m_error->setObjectName(QStringLiteral("tasksError"));
    m_error->setWordWrap(true);
    Theme::style(m_error, QStringLiteral("color: {ErrorText};"));
    m_error->hide();

    m_cancel->setObjectName(QStringLiteral("cancelTaskButton"));
    m_cancel->setProperty("danger", true);
    m_cancel->setToolTip(tr("Stop the selected task (Delete). An interrupted task is dismissed."));
    m_pause->setObjectName(QStringLiteral("pauseTaskButton"));
    m_resume->setObjectName(QStringLiteral("resumeTaskButton"));
    m_resume->setProperty("primary", true);
    m_open->setObjectName(QStringLiteral("openTaskButton"));
    m_open->setToolTip(tr("Show the debate or the model this task works on (Enter)."));
    m_clear->setObjectName(QStringLiteral("clearFinishedButton"));
    m_clear->setToolTip(tr("Remove finished tasks from the list and the database."));
    m_showFinished->setObjectName(QStringLiteral("showFinishedTasks"));
    m_showFinished->setChecked(true);

    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addSpacing(12);
    header->addWidget(m_summary, 1, Qt::AlignBottom);
    header->addWidget(m_showFinished, 0, Qt::AlignBottom);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    buttons->addWidget(m_clear);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->setSpacing(10);
    layout->addLayout(header);
    layout->addWidget(m_view, 3);
    layout->addWidget(m_empty, 3);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addWidget(m_detail, 1);
    setTabOrder(m_view, m_open);
    setTabOrder(m_open, m_pause);
    setTabOrder(m_pause, m_resume);
    setTabOrder(m_resume, m_cancel);
    setTabOrder(m_cancel, m_clear);
    setTabOrder(m_clear, m_showFinished);

    connect(m_cancel, &QPushButton::clicked, this, &TasksPage::cancelSelected);
    connect(m_pause, &QPushButton::clicked, this, &TasksPage::pauseSelected);
    connect(m_resume, &QPushButton::clicked, this, &TasksPage::resumeSelected);
    connect(m_open, &QPushButton::clicked, this, &TasksPage::openSelected);
    connect(m_view, &QTreeView::activated, this, &TasksPage::openSelected);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        if (rt::tasks::TaskManager *tasks = m_workspace->tasks())
            tasks->clearFinished();
    });
    connect(m_showFinished, &QCheckBox::toggled, m_model, &TaskListModel::setShowFinished);
    auto *cancelKey = new QShortcut(QKeySequence::Delete, m_view, nullptr, nullptr, Qt::WidgetShortcut);
    connect(cancelKey, &QShortcut::activated, this, &TasksPage::cancelSelected);

    connect(m_model, &QAbstractItemModel::modelReset, this, &TasksPage::updateActions);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TasksPage::updateActions);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TasksPage::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft) {
        if (topLeft.column() == 0) // a task changed, not just the clock
            updateActions();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TasksPage::updateActions);

    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, &TasksPage::updateActions);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, m_model, &TaskListModel::tick);

    if (m_workspace->isReady())
        onReady();
    else
        connect(m_workspace, &Workspace::ready, this, &TasksPage::onReady);
    updateActions();
}

void TasksPage::onReady()
{
    m_model->setTaskManager(m_workspace->tasks());
    m_loaded = true;
    updateActions();
}

void TasksPage::setResumeHandler(const QString &kind, std::function<void(const TaskInfo &)> handler)
{
    m_resumers.insert(kind, std::move(handler));
}

bool TasksPage::selectTask(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_view->setCurrentIndex(m_model->index(row, 0));
    return true;
}

std::optional<TaskInfo> TasksPage::selectedTask() const
{
    const TaskInfo *task = m_model->taskAt(m_view->currentIndex().row());
    return task ? std::optional(*task) : std::nullopt;
}

void TasksPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void TasksPage::cancelSelected()
{
    rt::tasks::TaskManager *tasks = m_workspace->tasks();
    const std::optional<TaskInfo> task = selectedTask();
    if (!tasks || !task || (task->isFinished() && task->status != TaskStatus::Interrupted))
        return;
    const rt::Status status = tasks->cancel(task->id);
    showError(status ? QString() : tr("Could not cancel “%1”: %2").arg(task->title, status.error().message));
}

void TasksPage::pauseSelected()
{
    rt::tasks::TaskManager *tasks = m_workspace->tasks();
    const std::optional<TaskInfo> task = selectedTask();
    if (!tasks || !task)
        return;
    const rt::Status status = task->status == TaskStatus::Paused ? tasks->resume(task->id) : tasks->pause(task->id);
    showError(status ? QString() : tr("Could not pause “%1”: %2").arg(task->title, status.error().message));
}

void TasksPage::resumeSelected()
{
    rt::tasks::TaskManager *tasks = m_workspace->tasks();
    const std::optional<TaskInfo> task = selectedTask();
    if (!tasks || !task || !tasks->canResume(task->id))
        return;
    if (const auto handler = m_resumers.value(task->kind)) {
        showError({});
        handler(*task);
        return;
    }
    const rt::Status status = tasks->resume(task->id);
    showError(status ? QString() : tr("Could not resume “%1”: %2").arg(task->title, status.error().message));
}

void TasksPage::openSelected()
{
    if (const std::optional<TaskInfo> task = selectedTask())
        emit openRequested(*task);
}

void TasksPage::updateActions()
{
    const bool any = m_model->rowCount() > 0;
    m_view->setVisible(any);
    m_empty->setVisible(!any);
    m_empty->setText(!m_loaded ? tr("Loading tasks…")
            : m_model->showsFinished()
            ? tr("No tasks yet. Debates and model pulls run here as tasks: you can close their pages, and follow, cancel or resume "
                 "them from this list.")
            : tr("Nothing running. Tick “Show finished” to see recent tasks."));

    const int active = m_model->activeCount();
    int interrupted = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->taskAt(row)->status == TaskStatus::Interrupted)
            ++interrupted;
    }
    QStringList summary;
    summary << tr("%n running or waiting", nullptr, active - interrupted);
    if (interrupted > 0)
        summary << tr("%n interrupted, can resume", nullptr, interrupted);
    m_summary->setText(summary.join(QStringLiteral(" · ")));

    rt::tasks::TaskManager *tasks = m_workspace->tasks();
    const std::optional<TaskInfo> task = selectedTask();
    const bool controllable = tasks && task && !task->isForeign;
    const bool running = task && (task->status == TaskStatus::Running || task->status == TaskStatus::Queued);
    m_cancel->setEnabled(tasks && task && (!task->isFinished() || task->status == TaskStatus::Interrupted));
    m_cancel->setText(task && task->status == TaskStatus::Interrupted ? tr("&Dismiss") : tr("&Cancel Task"));
    m_pause->setEnabled(controllable && (task->status == TaskStatus::Running || task->status == TaskStatus::Paused));
    m_pause->setText(task && task->status == TaskStatus::Paused ? tr("Contin&ue") : tr("&Pause"));
    m_resume->setEnabled(controllable && tasks->canResume(task->id));
    m_resume->setText(task && task->status == TaskStatus::Failed ? tr("&Retry") : tr("&Resume"));
    m_resume->setToolTip(m_resume->isEnabled() ? tr("Continue “%1” from where it stopped.").arg(task->title)
            : running                          ? tr("It is running.")
                                               : tr("Only interrupted or failed tasks can be resumed."));
    m_open->setEnabled(task.has_value());
    m_clear->setEnabled(tasks && m_model->rowCount() > active);

    if (!task) {
        m_detail->setText(any ? tr("Select a task to see its details.") : QString());
        m_detail->setVisible(any);
        return;
    }
    m_detail->setVisible(true);
    QString html = QStringLiteral("<b>%1</b> — %2").arg(task->title.toHtmlEscaped(), TaskListModel::statusText(task->status));
    if (!task->host.isEmpty())
        html += tr(" on host <b>%1</b>").arg(task->host.toHtmlEscaped());
    QStringList times;
    if (task->createdAt.isValid())
        times << tr("created %1").arg(when(task->createdAt));
    if (task->startedAt.isValid())
        times << tr("started %1").arg(when(task->startedAt));
    if (task->finishedAt.isValid())
        times << tr("finished %1").arg(when(task->finishedAt));
    if (!times.isEmpty())
        html += QStringLiteral("<br><span style='color:%1'>%2</span>").arg(Theme::css(Theme::MutedText), times.join(QStringLiteral(" · ")));
    if (!task->progressText.isEmpty())
        html += QStringLiteral("<br>%1").arg(task->progressText.toHtmlEscaped());
    if (task->isForeign)
        html += QStringLiteral("<br>")
            + tr("Running in another Roundtable process (pid %1 on %2); Cancel asks it to stop.")
                  .arg(task->ownerPid)
                  .arg(task->ownerHost.toHtmlEscaped());
    if (!task->error.isEmpty()) {
        const QColor colour = task->status == TaskStatus::Failed ? Theme::ErrorText : Theme::WarningText;
        html += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(Theme::css(colour), task->error.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
    }
    if (task->status == TaskStatus::Interrupted && tasks && tasks->canResume(task->id))
        html += QStringLiteral("<br>") + tr("Resume continues it from the last saved point.");
    m_detail->setText(html);
}

void TasksPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_model->tick();
    m_tick.start();
}

void TasksPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_tick.stop();
}

} // namespace rt::ui

#include "taskindicator.h"

#include "tasks/taskmanager.h"
#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace rt::ui {

TaskIndicator::TaskIndicator(QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
{
    setObjectName(QStringLiteral("taskIndicator"));
    setAccessibleName(tr("Running tasks"));
    setCursor(Qt::PointingHandCursor);
    m_label->setObjectName(QStringLiteral("taskIndicatorText"));
    m_bar->setRange(0, 100);
    m_bar->setTextVisible(false);
    m_bar->setFixedSize(70, 6);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 10, 0);
    layout->setSpacing(6);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    hide();
}

void TaskIndicator::setTaskManager(rt::tasks::TaskManager *tasks)
{
    m_tasks = tasks;
    if (!tasks)
        return;
    connect(tasks, &rt::tasks::TaskManager::taskAdded, this, &TaskIndicator::update);
    connect(tasks, &rt::tasks::TaskManager::taskChanged, this, &TaskIndicator::update);
    connect(tasks, &rt::tasks::TaskManager::taskFinished, this, &TaskIndicator::update);
    connect(tasks, &rt::tasks::TaskManager::taskRemoved, this, &TaskIndicator::update);
    update();
}

QString TaskIndicator::text() const
{
    return m_label->text();
}

void TaskIndicator::update()
{
    int debates = 0;
    int pulls = 0;
    int other = 0;
    std::optional<rt::tasks::TaskInfo> first;
    for (const rt::tasks::TaskInfo &t : m_tasks->tasks()) {
        if (t.isForeign
            || (t.status != rt::TaskStatus::Running && t.status != rt::TaskStatus::Queued && t.status != rt::TaskStatus::Paused))
            continue;
        (t.kind == u"debate" ? debates : t.kind == u"pull" ? pulls : other)++;
        if (!first || (first->status != rt::TaskStatus::Running && t.status == rt::TaskStatus::Running))
            first = t;
    }
    m_running = debates + pulls + other;
    if (!first) {
        hide();
        return;
    }
    QStringList parts;
    if (debates > 0)
        parts << tr("%n debate(s)", nullptr, debates);
    if (pulls > 0)
        parts << tr("%n pull(s)", nullptr, pulls);
    if (other > 0)
        parts << tr("%n task(s)", nullptr, other);
    m_label->setText(
        tr("⟳ %1 · %2").arg(parts.join(QStringLiteral(", ")), first->progressText.isEmpty() ? first->title : first->progressText));
    Theme::style(m_label, QStringLiteral("color: {Text};"));
    m_bar->setValue(qRound(first->progress * 100));
    m_kind = first->kind;
    setToolTip(tr("%1\nClick to see it.").arg(first->title));
    show();
}

void TaskIndicator::mousePressEvent(QMouseEvent *)
{
    emit clicked(m_kind);
}

} // namespace rt::ui

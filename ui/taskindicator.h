#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;

namespace rt::tasks {
class TaskManager;
struct TaskInfo;
} // namespace rt::tasks

namespace rt::ui {

// The status bar's view of long work: how many debates and pulls run, the
// progress of the first one, and a click to see it.
class TaskIndicator final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskIndicator)
public:
    explicit TaskIndicator(QWidget *parent = nullptr);

    void setTaskManager(rt::tasks::TaskManager *tasks);
    QString text() const;
    int runningCount() const { return m_running; }

signals:
    void clicked(const QString &kind);

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    void update();

    rt::tasks::TaskManager *m_tasks = nullptr;
    QLabel *m_label;
    QProgressBar *m_bar;
    QString m_kind;
    int m_running = 0;
};

} // namespace rt::ui

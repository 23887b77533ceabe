#pragma once

#include "debate/debatetypes.h"
#include "debatelistmodel.h"

#include <QHash>
#include <QPointer>
#include <QWidget>
#include <functional>

class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTreeView;

namespace rt::llm {
class EndpointPool;
class ModelCatalog;
} // namespace rt::llm
namespace rt::tasks {
struct TaskInfo;
}
namespace rt::debate {
class DebateJob;
}

namespace rt::ui {

class DebateSession;
class DebateView;
class NewDebatePanel;
class Workspace;

// The Debates page: the stored debates (filter by status, search by
// question), "New debate", the live table of a running debate and the
// result of a finished one. Debates run as tasks of the workspace's task
// manager, so they are resumable after a crash and show in the status bar.
class DebatesPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebatesPage)
public:
    enum class Panel { List, New, Debate };

    DebatesPage(Workspace *workspace, rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, QWidget *parent = nullptr);
    ~DebatesPage() override;

    Panel panel() const;
    DebateView *view() const { return m_view; }
    NewDebatePanel *newPanel() const { return m_new; }
    DebateListModel *listModel() const { return m_model; }
    QTreeView *listView() const { return m_list; }
    QFrame *interruptedBanner() const { return m_interrupted; }
    QPushButton *sampleButton() const { return m_sampleButton; }
    // The debate shown in the view (null on the list).
    DebateSession *currentSession() const;
    // Debates started or resumed in this window and still running.
    int runningCount() const;
    // The list has been read from storage at least once.
    bool isLoaded() const { return m_loaded; }
    // Demo mode: an empty page offers a sample debate the simulator knows.
    void setDemo(bool demo);
    // Tests: answers the save dialog of Export (return "" to cancel).
    void setSaveFileHook(std::function<QString(const QString &suggested)> hook) { m_saveFileHook = std::move(hook); }

public slots:
    void showList();
    void newDebate();
    void startDebate(const rt::debate::DebateConfig &config);
    void startSample();
    void openDebate(qint64 debateId);
    // Opens a debate with one of its stored turns marked and in view (a search result).
    void showTurn(qint64 debateId, qint64 turnId);
    void resumeDebate(qint64 debateId);
    void exportDebate(qint64 debateId);
    void reload();
    // Ends every debate running here (partial turns kept, results saved).
    void stopAll();

signals:
    void runningChanged(int running);
    // Debates left unfinished (a crash, Ollama gone) are offered for resume.
    void interruptedOffered(int count);
    // Export finished: where, or why not.
    void exported(const QString &path, const QString &error);
    // showTurn() marked the turn in the transcript (0: the debate has no such turn).
    void turnShown(qint64 turnId);

private:
    void buildList(QWidget *panel);
    DebateSession *liveSession(qint64 debateId) const;
    DebateSession *followJob(rt::debate::DebateJob *job);
    void showSession(DebateSession *session);
    void onInterruptedFound(const QList<rt::tasks::TaskInfo> &tasks);
    void updateEmptyState();
    void showListError(const QString &message); // empty: hide
    void updateInterruptedBanner();
    QList<qint64> interruptedIds() const;

    QPointer<Workspace> m_workspace;
    rt::llm::EndpointPool *m_pool;
    rt::llm::ModelCatalog *m_catalog;
    QStackedWidget *m_stack;
    QWidget *m_listPanel;
    QStackedWidget *m_listStack; // the list, or the empty state
    QTreeView *m_list;
    DebateListModel *m_model;
    DebateFilterModel *m_filter;
    QLineEdit *m_search;
    QComboBox *m_statusFilter;
    QFrame *m_interrupted;
    QLabel *m_interruptedText;
    QLabel *m_emptyText;
    QLabel *m_listError;
    QPushButton *m_sampleButton;
    NewDebatePanel *m_new;
    DebateView *m_view;
    QList<DebateSession *> m_live; // followed engines (owned)
    DebateSession *m_stored = nullptr; // a debate read back from storage (owned)
    std::function<QString(const QString &)> m_saveFileHook;
    bool m_demo = false;
    bool m_loaded = false;
    bool m_offered = false;
    quint64 m_reloadSeq = 0;
    qint64 m_showTurn = 0; // showTurn(): the turn to mark once the debate is shown
};

} // namespace rt::ui

#pragma once

#include "agents/agent.h"
#include "debate/debatetypes.h"
#include "llm/modelinfo.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QToolButton;

namespace rt::agents {
class AgentRegistry;
}
namespace rt::llm {
class EndpointPool;
class ModelCatalog;
} // namespace rt::llm

namespace rt::ui {

class ChatInput;

// "New debate": the question, the seats (agents from the registry, each with
// a model picked from what the hosts have), the format with a sentence on
// each, rounds and threshold, budgets under More. The defaults (three
// debaters, simultaneous, 3 rounds, 0.8) mean typing a question and pressing
// Enter starts a debate. What stops a start is said inline, and the Start
// button's tooltip gives the reason while it is disabled.
class NewDebatePanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewDebatePanel)
public:
    NewDebatePanel(
        rt::agents::AgentRegistry *registry, rt::llm::ModelCatalog *catalog, rt::llm::EndpointPool *pool, QWidget *parent = nullptr);

    // Fills the form: empty for a new debate, or a debate to run again.
    void reset();
    void prefill(const rt::debate::DebateConfig &config);
    void setRegistry(rt::agents::AgentRegistry *registry);
    void focusQuestion();

    // The configuration the form describes (agents with their chosen models).
    rt::debate::DebateConfig config() const;
    // Why it cannot start (empty: it can).
    QStringList problems() const;

    ChatInput *questionEdit() const { return m_question; }
    QTableWidget *seatTable() const { return m_seats; }
    QComboBox *formatPicker() const { return m_format; }
    QPushButton *startButton() const { return m_start; }
    QLabel *problemLabel() const { return m_problems; }

public slots:
    void start();
    void reloadModels();

signals:
    void startRequested(const rt::debate::DebateConfig &config);
    void cancelled();
    // "Pull it" next to a seat's model that no host has.
    void pullRequested(const QString &model);

private:
    void fillAgents(const QStringList &checkedNames, const QHash<QString, QString> &models);
    void fillModelPicker(QComboBox *picker, const QString &preferred) const;
    QString defaultModel() const;
    void validate();

    rt::agents::AgentRegistry *m_registry;
    rt::llm::ModelCatalog *m_catalog;
    rt::llm::EndpointPool *m_pool;
    QList<rt::agents::Agent> m_agents; // rows of the seat table
    ChatInput *m_question;
    QTableWidget *m_seats;
    QComboBox *m_format;
    QLabel *m_formatHelp;
    QSpinBox *m_rounds;
    QDoubleSpinBox *m_threshold;
    QToolButton *m_moreButton;
    QWidget *m_more;
    QSpinBox *m_tokenBudget;
    QSpinBox *m_timeBudget;
    QSpinBox *m_stall;
    QCheckBox *m_synthesis;
    QLabel *m_problems;
    QPushButton *m_start;
    QMetaObject::Connection m_registryConnection;
    bool m_filling = false;
};

} // namespace rt::ui

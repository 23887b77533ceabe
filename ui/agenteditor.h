#pragma once

#include "agents/agent.h"
#include "agents/agentvalidation.h"
#include "common/result.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace rt::agents {
class AgentRegistry;
}

namespace rt::ui {

class ElidedLabel;

// The form for one agent: name, description, role, role prompt, model and
// fallbacks, generation options, vote weight, colour and avatar. Every edit
// is checked at once with the registry's own validation, whose messages are
// shown under the field they are about (errors block saving, warnings do
// not). The editor never writes: the page saves agent() when asked.
class AgentEditor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentEditor)
public:
    explicit AgentEditor(QWidget *parent = nullptr);
    ~AgentEditor() override;

    void setRegistry(rt::agents::AgentRegistry *registry);
    // Names offered by the model pickers (any name can still be typed).
    void setModelNames(const QStringList &names);

    // Shows the agent; edits of the previous one are dropped.
    void setAgent(const rt::agents::Agent &agent);
    // A newer version of the shown agent (just saved, or changed elsewhere):
    // fields the user has not touched follow it, edits stay.
    void rebase(const rt::agents::Agent &agent);
    bool hasAgent() const { return m_original.id != 0; }
    qint64 agentId() const { return m_original.id; }
    const rt::agents::Agent &original() const { return m_original; }
    // The shown agent with the edits applied.
    rt::agents::Agent agent() const;
    bool isDirty() const;

    // Re-checks the fields and shows the messages; returns the report.
    rt::agents::ValidationReport revalidate();
    const rt::agents::ValidationReport &report() const { return m_report; }
    // What the message line under a field says ("name", "description",
    // "system_prompt", "model", "fallback_models", "options", "weight",
    // "colour", "avatar"); empty when nothing is wrong.
    QString fieldMessage(const QString &field) const;
    QLabel *fieldMessageLabel(const QString &field) const { return m_messages.value(field); }

    enum class SaveState { Idle, Saving, Saved, Failed };
    // The line at the bottom: saving…, saved, or why the save failed.
    void setSaveState(SaveState state, const QString &message = {});
    SaveState saveState() const { return m_saveState; }

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QComboBox *roleCombo() const { return m_role; }
    QPlainTextEdit *promptEdit() const { return m_prompt; }
    QComboBox *modelCombo() const { return m_model; }
    QLineEdit *fallbackEdit() const { return m_fallbacks; }
    QDoubleSpinBox *temperatureSpin() const { return m_temperature; }
    QDoubleSpinBox *topPSpin() const { return m_topP; }
    QSpinBox *contextSpin() const { return m_numCtx; }
    QSpinBox *maxTokensSpin() const { return m_numPredict; }
    QSpinBox *seedSpin() const { return m_seed; }
    QDoubleSpinBox *weightSpin() const { return m_weight; }
    QLineEdit *colourEdit() const { return m_colour; }
    QLineEdit *avatarEdit() const { return m_avatar; }
    QCheckBox *monospaceCheck() const { return m_monospace; }
    QPushButton *saveButton() const { return m_saveButton; }
    QPushButton *revertButton() const { return m_revertButton; }
    QPushButton *tryButton() const { return m_tryButton; }
    QPushButton *duplicateButton() const { return m_duplicateButton; }
    QPushButton *resetButton() const { return m_resetButton; }
    QPushButton *deleteButton() const { return m_deleteButton; }
    QPushButton *exportButton() const { return m_exportButton; }
    QLabel *statusLabel() const { return m_status; }

public slots:
    // Puts the fields back as stored.
    void revert();

signals:
    // A field changed (the page re-reads isDirty()).
    void edited();
    void saveRequested();
    void tryRequested();
    void duplicateRequested();
    void resetRequested();
    void deleteRequested();
    void exportRequested();

protected:
private:
    // The editable values as the widgets hold them.
    struct Fields {
        QString name;
        QString description;
        QString role;
        QString prompt;
        QString model;
        QString fallbacks;
        QString colour;
        QString avatar;
        double temperature = 0;
        double topP = 0;
        int numCtx = 0;
        int numPredict = 0;
        int seed = 0;
        double weight = 1;
        bool operator==(const Fields &) const = default;
    };
    Fields fieldsOf(const rt::agents::Agent &agent) const;
    Fields current() const;
    void showFields(const Fields &fields); // sets only what differs (keeps cursors)
    rt::agents::Agent applied(rt::agents::Agent base, const Fields &now) const;
    void onEdited();
    void updateHeader();
    void updatePromptInfo();
    void updateButtons();
    void chooseColour();

    QPointer<rt::agents::AgentRegistry> m_registry;
    rt::agents::Agent m_original;
    Fields m_loaded; // the fields as m_original shows them
    rt::agents::ValidationReport m_report;
    SaveState m_saveState = SaveState::Idle;
    bool m_showing = false; // filling the widgets: not an edit

    QLabel *m_avatarPreview;
    QLabel *m_title;
    QLabel *m_badge;
    ElidedLabel *m_subtitle; // the description (or role), elided to its width
    QPushButton *m_tryButton;
    QPushButton *m_duplicateButton;
    QPushButton *m_resetButton;
    QPushButton *m_deleteButton;
    QPushButton *m_exportButton;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_role;
    QPlainTextEdit *m_prompt;
    QLabel *m_promptInfo;
    QCheckBox *m_monospace;
    QComboBox *m_model;
    QLineEdit *m_fallbacks;
    QDoubleSpinBox *m_temperature;
    QDoubleSpinBox *m_topP;
    QSpinBox *m_numCtx;
    QSpinBox *m_numPredict;
    QSpinBox *m_seed;
    QDoubleSpinBox *m_weight;
    QLineEdit *m_colour;
    QToolButton *m_colourButton;
    QLineEdit *m_avatar;
    QHash<QString, QLabel *> m_messages;
    QLabel *m_status;
    QPushButton *m_revertButton;
    QPushButton *m_saveButton;
};

} // namespace rt::ui

#include "agenteditor.h"

#include "agentlistmodel.h"
#include "agents/agentregistry.h"
#include "agents/builtinroles.h"
#include "elidedlabel.h"
#include "seatcard.h"
#include "theme.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <limits>

namespace rt::ui {

using rt::agents::Agent;
using rt::agents::ValidationIssue;
using rt::agents::ValidationReport;
namespace limits = rt::agents::limits;

namespace {
// The value each spin box shows as "Default" (its minimum).
constexpr double TemperatureDefault = -0.05;
constexpr double TopPDefault = -0.05;
constexpr int NumCtxDefault = 0;
constexpr int NumPredictDefault = -3;
constexpr int SeedDefault = -1;

double twoDecimals(double v)
{
    return QString::number(v, 'f', 2).toDouble();
}

// The message line under a field, for the registry's words about it.
QString fieldKey(const QString &issueField)
{
    if (issueField.startsWith(u"options."))
        return QStringLiteral("options");
    static const QStringList known { QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("system_prompt"),
        QStringLiteral("model"), QStringLiteral("fallback_models"), QStringLiteral("weight"), QStringLiteral("colour"),
        QStringLiteral("avatar") };
    return known.contains(issueField) ? issueField : QStringLiteral("general");
}

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setFont(Theme::scaledFont(parent->font(), 1.05, true));
    label->setContentsMargins(0, 10, 0, 2);
    return label;
}

QIcon swatch(const QColor &colour)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Theme::Border, 1));
    p.setBrush(colour.isValid() ? colour : QColor(Qt::transparent));
    p.drawRoundedRect(QRectF(0.5, 0.5, 15, 15), 4, 4);
    return QIcon(pixmap);
}
} // namespace

AgentEditor::AgentEditor(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("agentEditor"));

    // Header: who it is, and what can be done with it.
    auto *header = new QFrame(this);
    header->setObjectName(QStringLiteral("agentEditorHeader"));
    Theme::style(
        header, QStringLiteral("QFrame#agentEditorHeader { background: {Surface}; border: none; border-bottom: 1px solid {Border}; }"));
    m_avatarPreview = new QLabel(header);
    m_avatarPreview->setFixedSize(44, 44);
    m_title = new QLabel(header);
    m_title->setObjectName(QStringLiteral("agentTitle"));
    m_title->setFont(Theme::scaledFont(font(), 1.35, true));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Preferred);
    m_badge = new QLabel(tr("Built-in"), header);
    m_badge->setObjectName(QStringLiteral("builtinBadge"));
    m_badge->setFont(Theme::scaledFont(font(), 0.8, true));
    Theme::style(
        m_badge, QStringLiteral("QLabel { color: {MutedText}; border: 1px solid {Border}; border-radius: 4px; padding: 1px 6px; }"));
    m_badge->setToolTip(tr("Shipped with Roundtable: it can be edited, duplicated and reset to its default, but not deleted."));
    m_subtitle = new ElidedLabel(header, 40); // elided to its width
    m_subtitle->setObjectName(QStringLiteral("agentSubtitle"));
    Theme::style(m_subtitle, QStringLiteral("color: {MutedText};"));
    m_tryButton = new QPushButton(tr("Try This Agent"), header);
    m_tryButton->setObjectName(QStringLiteral("tryAgentButton"));
    m_tryButton->setProperty("primary", true);
    m_tryButton->setToolTip(tr("Open a new chat with this agent's role prompt and model (changes are saved first)"));
    m_duplicateButton = new QPushButton(tr("Duplicate"), header);
    m_duplicateButton->setObjectName(QStringLiteral("duplicateAgentButton"));
    m_duplicateButton->setToolTip(tr("Make a copy to change freely (Ctrl+D)"));
    m_exportButton = new QPushButton(tr("Export…"), header);
    m_exportButton->setObjectName(QStringLiteral("exportAgentButton"));
    m_exportButton->setToolTip(tr("Save this agent to a JSON file that can be imported elsewhere"));
    m_resetButton = new QPushButton(tr("Reset to Default"), header);
    m_resetButton->setObjectName(QStringLiteral("resetAgentButton"));
    m_resetButton->setToolTip(tr("Restore this built-in agent as shipped; you can undo it for a few seconds"));
    m_deleteButton = new QPushButton(tr("Delete"), header);
    m_deleteButton->setObjectName(QStringLiteral("deleteAgentButton"));
    m_deleteButton->setProperty("danger", true);
    m_deleteButton->setToolTip(tr("Delete this agent; you can undo it for a few seconds"));

    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(8);
    titleRow->addWidget(m_title);
    titleRow->addWidget(m_badge, 0, Qt::AlignVCenter);
    titleRow->addStretch(1);
    auto *titleColumn = new QVBoxLayout;
    titleColumn->setSpacing(2);
    titleColumn->addLayout(titleRow);
    titleColumn->addWidget(m_subtitle);
    auto *identity = new QHBoxLayout;
    identity->setSpacing(12);
    identity->addWidget(m_avatarPreview, 0, Qt::AlignTop);
    identity->addLayout(titleColumn, 1);
    auto *actions = new QHBoxLayout;
    actions->setSpacing(8);
    actions->addWidget(m_tryButton);
    actions->addWidget(m_duplicateButton);
    actions->addWidget(m_exportButton);
    actions->addStretch(1);
    actions->addWidget(m_resetButton);
    actions->addWidget(m_deleteButton);
    auto *headerLayout = new QVBoxLayout(header);
    headerLayout->setContentsMargins(24, 14, 20, 12);
    headerLayout->setSpacing(10);
    headerLayout->addLayout(identity);
    headerLayout->addLayout(actions);

    // The form, in a scroll area so nothing is ever cut off.
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("agentFormScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *form = new QWidget(scroll);
    form->setObjectName(QStringLiteral("agentForm"));

    auto message = [this, form](const QString &field) {
        auto *label = new QLabel(form);
        label->setObjectName(QStringLiteral("message_%1").arg(field));
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setFont(Theme::scaledFont(font(), 0.9));
        label->hide();
        m_messages.insert(field, label);
        return label;
    };
    // A field with its message line under it.
    auto withMessage = [form, message](QWidget *field, const QString &key) {
        auto *box = new QWidget(form);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(3);
        layout->addWidget(field);
        layout->addWidget(message(key));
        return box;
    };
    auto inRow = [form](std::initializer_list<QWidget *> widgets) {
        auto *box = new QWidget(form);
        auto *layout = new QHBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(8);
        for (QWidget *w : widgets)
            layout->addWidget(w);
        layout->addStretch(1);
        return box;
    };
    auto caption = [form](const QString &text) {
        auto *label = new QLabel(text, form);
        Theme::style(label, QStringLiteral("color: {MutedText};"));
        return label;
    };

    m_name = new QLineEdit(form);
    m_name->setObjectName(QStringLiteral("agentName"));
    m_name->setAccessibleName(tr("Name"));
    m_name->setPlaceholderText(tr("A short, unique name"));
    m_description = new QLineEdit(form);
    m_description->setObjectName(QStringLiteral("agentDescription"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setPlaceholderText(tr("One line: what this agent does at the table"));
    m_role = new QComboBox(form);
    m_role->setObjectName(QStringLiteral("agentRole"));
    m_role->setAccessibleName(tr("Role"));
    m_role->addItem(tr("Custom role"), QStringLiteral("custom"));
    for (const QString &key : rt::agents::BuiltinRoles::keys()) {
        Agent a;
        a.role = key;
        m_role->addItem(AgentListModel::roleText(a), key);
    }
    m_role->setToolTip(tr("The debate role this agent plays; a built-in agent keeps its own role"));
    m_avatar = new QLineEdit(form);
    m_avatar->setObjectName(QStringLiteral("agentAvatar"));
    m_avatar->setAccessibleName(tr("Avatar"));
    m_avatar->setPlaceholderText(tr("Emoji"));
    m_avatar->setToolTip(tr("An emoji drawn in the agent's circle; empty shows the first letter of the name"));
    m_avatar->setFixedWidth(80);
    m_colour = new QLineEdit(form);
    m_colour->setObjectName(QStringLiteral("agentColour"));
    m_colour->setAccessibleName(tr("Colour"));
    m_colour->setPlaceholderText(QStringLiteral("#1E88E5"));
    m_colour->setFixedWidth(100);
    m_colourButton = new QToolButton(form);
    m_colourButton->setObjectName(QStringLiteral("agentColourButton"));
    m_colourButton->setToolTip(tr("Pick a colour"));
    m_colourButton->setAccessibleName(tr("Pick a colour"));
    m_colourButton->setPopupMode(QToolButton::InstantPopup);
    m_weight = new QDoubleSpinBox(form);
    m_weight->setObjectName(QStringLiteral("agentWeight"));
    m_weight->setAccessibleName(tr("Vote weight"));
    m_weight->setRange(0.0, limits::MaxWeight);
    m_weight->setDecimals(2);
    m_weight->setSingleStep(0.25);
    m_weight->setToolTip(tr("How much this agent's stance counts in the consensus (1 = like everyone else, 0 = not at all)"));

    m_model = new QComboBox(form);
    m_model->setObjectName(QStringLiteral("agentModel"));
    m_model->setAccessibleName(tr("Model"));
    m_model->setEditable(true);
    m_model->setInsertPolicy(QComboBox::NoInsert);
    m_model->setMinimumWidth(260);
    m_model->lineEdit()->setPlaceholderText(tr("The debate's default model"));
    m_model->setToolTip(tr("The model that voices this agent: pick an installed one or type any name (empty: the debate's default)"));
    m_fallbacks = new QLineEdit(form);
    m_fallbacks->setObjectName(QStringLiteral("agentFallbacks"));
    m_fallbacks->setAccessibleName(tr("Fallback models"));
    m_fallbacks->setPlaceholderText(tr("Comma-separated, e.g. qwen3:0.6b, gemma3:1b"));
    m_fallbacks->setToolTip(tr("Tried in order when the model is missing or failing"));

    m_temperature = new QDoubleSpinBox(form);
    m_temperature->setObjectName(QStringLiteral("agentTemperature"));
    m_temperature->setAccessibleName(tr("Temperature"));
    m_temperature->setRange(TemperatureDefault, limits::MaxTemperature);
    m_temperature->setDecimals(2);
    m_temperature->setSingleStep(0.05);
    m_temperature->setSpecialValueText(tr("Default"));
    m_temperature->setToolTip(tr("0 = focused and repeatable, 2 = very varied; Default leaves it to the model"));
    m_topP = new QDoubleSpinBox(form);
    m_topP->setObjectName(QStringLiteral("agentTopP"));
    m_topP->setAccessibleName(tr("Top P"));
    m_topP->setRange(TopPDefault, 1.0);
    m_topP->setDecimals(2);
    m_topP->setSingleStep(0.05);
    m_topP->setSpecialValueText(tr("Default"));
    m_topP->setToolTip(tr("Nucleus sampling (top_p), 0 to 1; Default leaves it to the model"));
    m_numCtx = new QSpinBox(form);
    m_numCtx->setObjectName(QStringLiteral("agentContext"));
    m_numCtx->setAccessibleName(tr("Context length"));
    m_numCtx->setRange(NumCtxDefault, limits::MaxNumCtx);
    m_numCtx->setSingleStep(1024);
    m_numCtx->setSpecialValueText(tr("Default"));
    m_numCtx->setSuffix(tr(" tokens"));
    m_numCtx->setGroupSeparatorShown(true);
    m_numCtx->setToolTip(tr("num_ctx: how much text the model keeps in view; Default is the server's (often 4,096)"));
    m_numPredict = new QSpinBox(form);
    m_numPredict->setObjectName(QStringLiteral("agentMaxTokens"));
    m_numPredict->setAccessibleName(tr("Maximum tokens per reply"));
    m_numPredict->setRange(NumPredictDefault, 1'000'000);
    m_numPredict->setSpecialValueText(tr("Default"));
    m_numPredict->setToolTip(tr("num_predict: the longest reply in tokens; -1 = no limit, -2 = fill the context"));
    m_seed = new QSpinBox(form);
    m_seed->setObjectName(QStringLiteral("agentSeed"));
    m_seed->setAccessibleName(tr("Seed"));
    m_seed->setRange(SeedDefault, std::numeric_limits<int>::max());
    m_seed->setSpecialValueText(tr("Random"));
    m_seed->setToolTip(tr("A fixed seed makes replies repeatable; Random is the default"));

    m_prompt = new QPlainTextEdit(form);
    m_prompt->setObjectName(QStringLiteral("agentPrompt"));
    m_prompt->setAccessibleName(tr("Role prompt"));
    m_prompt->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_prompt->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_prompt->setTabChangesFocus(true);
    m_prompt->setMinimumHeight(240);
    m_prompt->setPlaceholderText(tr("How this agent thinks and speaks: its role, what it looks for, how it ends a turn."));
    m_promptInfo = new QLabel(form);
    m_promptInfo->setObjectName(QStringLiteral("promptInfo"));
    Theme::style(m_promptInfo, QStringLiteral("color: {MutedText};"));
    m_monospace = new QCheckBox(tr("Monospace"), form);
    m_monospace->setObjectName(QStringLiteral("promptMonospace"));
    m_monospace->setToolTip(tr("Show the role prompt in a fixed-width font"));

    auto *identityForm = new QFormLayout;
    identityForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    identityForm->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    identityForm->setHorizontalSpacing(14);
    identityForm->setVerticalSpacing(10);
    identityForm->addRow(tr("&Name"), withMessage(m_name, QStringLiteral("name")));
    identityForm->addRow(tr("&Description"), withMessage(m_description, QStringLiteral("description")));
    identityForm->addRow(tr("&Role"), inRow({ m_role }));
    auto *look = inRow({ m_avatar, caption(tr("Colour")), m_colour, m_colourButton, caption(tr("Vote weight")), m_weight });
    auto *lookBox = new QWidget(form);
    {
        auto *layout = new QVBoxLayout(lookBox);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(3);
        layout->addWidget(look);
        layout->addWidget(message(QStringLiteral("avatar")));
        layout->addWidget(message(QStringLiteral("colour")));
        layout->addWidget(message(QStringLiteral("weight")));
    }
    identityForm->addRow(tr("&Avatar"), lookBox);
    qobject_cast<QLabel *>(identityForm->labelForField(lookBox))->setBuddy(m_avatar);

    auto *modelForm = new QFormLayout;
    modelForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    modelForm->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    modelForm->setHorizontalSpacing(14);
    modelForm->setVerticalSpacing(10);
    modelForm->addRow(tr("&Model"), withMessage(m_model, QStringLiteral("model")));
    modelForm->addRow(tr("&Fallbacks"), withMessage(m_fallbacks, QStringLiteral("fallback_models")));
    auto *options = new QWidget(form);
    {
        auto *grid = new QGridLayout(options);
        grid->setContentsMargins(0, 0, 0, 0);
        grid->setHorizontalSpacing(8);
        grid->setVerticalSpacing(6);
        auto add = [&](int row, int column, const QString &text, QWidget *field) {
            QLabel *label = caption(text);
            label->setBuddy(field);
            grid->addWidget(label, row, column * 2, Qt::AlignRight | Qt::AlignVCenter);
            grid->addWidget(field, row, column * 2 + 1);
        };
        add(0, 0, tr("&Temperature"), m_temperature);
        add(0, 1, tr("Top &P"), m_topP);
        add(1, 0, tr("&Context"), m_numCtx);
        add(1, 1, tr("Ma&x tokens"), m_numPredict);
        add(2, 0, tr("S&eed"), m_seed);
        grid->setColumnStretch(4, 1);
        grid->addWidget(message(QStringLiteral("options")), 3, 0, 1, 5);
    }
    modelForm->addRow(tr("Options"), options);

    auto *promptTools = new QHBoxLayout;
    promptTools->addWidget(m_promptInfo, 1);
    promptTools->addWidget(m_monospace);

    QLabel *general = message(QStringLiteral("general"));
    auto *formLayout = new QVBoxLayout(form);
    formLayout->setContentsMargins(24, 8, 24, 16);
    formLayout->setSpacing(6);
    formLayout->addWidget(general);
    formLayout->addWidget(sectionTitle(tr("Identity"), form));
    formLayout->addLayout(identityForm);
    formLayout->addWidget(sectionTitle(tr("Model"), form));
    formLayout->addLayout(modelForm);
    auto *promptTitle = sectionTitle(tr("Role &prompt"), form);
    promptTitle->setBuddy(m_prompt);
    formLayout->addWidget(promptTitle);
    formLayout->addWidget(m_prompt, 1);
    formLayout->addLayout(promptTools);
    formLayout->addWidget(message(QStringLiteral("system_prompt")));
    scroll->setWidget(form);

    // Footer: what happened to the changes, Revert and Save.
    auto *footer = new QFrame(this);
    footer->setObjectName(QStringLiteral("agentEditorFooter"));
    Theme::style(
        footer, QStringLiteral("QFrame#agentEditorFooter { background: {Surface}; border: none; border-top: 1px solid {Border}; }"));
    m_status = new QLabel(footer);
    m_status->setObjectName(QStringLiteral("agentSaveStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_revertButton = new QPushButton(tr("Revert"), footer);
    m_revertButton->setObjectName(QStringLiteral("revertAgentButton"));
    m_revertButton->setToolTip(tr("Put the fields back as saved"));
    m_saveButton = new QPushButton(tr("Save"), footer);
    m_saveButton->setObjectName(QStringLiteral("saveAgentButton"));
    m_saveButton->setProperty("primary", true);
    m_saveButton->setToolTip(tr("Save the changes (Ctrl+S); leaving the agent saves them too"));
    auto *footerLayout = new QHBoxLayout(footer);
    footerLayout->setContentsMargins(24, 10, 20, 10);
    footerLayout->setSpacing(8);
    footerLayout->addWidget(m_status, 1);
    footerLayout->addWidget(m_revertButton);
    footerLayout->addWidget(m_saveButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(scroll, 1);
    layout->addWidget(footer);

    // The colour menu: the built-in agents' colours, or any colour.
    auto *colours = new QMenu(m_colourButton);
    QStringList seen;
    for (const Agent &shipped : rt::agents::BuiltinRoles::all()) {
        const QString name = shipped.colour.toUpper();
        if (name.isEmpty() || seen.contains(name))
            continue;
        seen.append(name);
        QAction *action = colours->addAction(swatch(QColor(name)), name);
        connect(action, &QAction::triggered, this, [this, name] { m_colour->setText(name); });
    }
    colours->addSeparator();
    connect(colours->addAction(tr("Other Colour…")), &QAction::triggered, this, &AgentEditor::chooseColour);
    m_colourButton->setMenu(colours);
    m_colourButton->setIcon(swatch(QColor()));

    for (QLineEdit *edit : { m_name, m_description, m_fallbacks, m_colour, m_avatar })
        connect(edit, &QLineEdit::textChanged, this, &AgentEditor::onEdited);
    connect(m_model, &QComboBox::currentTextChanged, this, &AgentEditor::onEdited);
    connect(m_role, &QComboBox::currentIndexChanged, this, &AgentEditor::onEdited);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &AgentEditor::onEdited);
    for (QDoubleSpinBox *spin : { m_temperature, m_topP, m_weight })
        connect(spin, &QDoubleSpinBox::valueChanged, this, &AgentEditor::onEdited);
    for (QSpinBox *spin : { m_numCtx, m_numPredict, m_seed })
        connect(spin, &QSpinBox::valueChanged, this, &AgentEditor::onEdited);
    connect(m_monospace, &QCheckBox::toggled, this,
        [this](bool on) { m_prompt->setFont(on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : font()); });
    connect(m_saveButton, &QPushButton::clicked, this, &AgentEditor::saveRequested);
    connect(m_revertButton, &QPushButton::clicked, this, &AgentEditor::revert);
    connect(m_tryButton, &QPushButton::clicked, this, &AgentEditor::tryRequested);
    connect(m_duplicateButton, &QPushButton::clicked, this, &AgentEditor::duplicateRequested);
    connect(m_resetButton, &QPushButton::clicked, this, &AgentEditor::resetRequested);
    connect(m_deleteButton, &QPushButton::clicked, this, &AgentEditor::deleteRequested);
    connect(m_exportButton, &QPushButton::clicked, this, &AgentEditor::exportRequested);

    updateHeader();
    updatePromptInfo();
    updateButtons();
}

AgentEditor::~AgentEditor() = default;

void AgentEditor::setRegistry(rt::agents::AgentRegistry *registry)
{
    m_registry = registry;
    revalidate();
    updateButtons();
}

void AgentEditor::setModelNames(const QStringList &names)
{
    const QString text = m_model->currentText();
    const bool wasShowing = std::exchange(m_showing, true);
    m_model->clear();
    m_model->addItems(names);
    m_model->setCurrentIndex(-1);
    m_model->setEditText(text);
    m_showing = wasShowing;
}

AgentEditor::Fields AgentEditor::fieldsOf(const Agent &agent) const
{
    Fields f;
    f.name = agent.name;
    f.description = agent.description;
    f.role = agent.role.isEmpty() ? QStringLiteral("custom") : agent.role;
    f.prompt = agent.systemPrompt;
    f.model = agent.model;
    f.fallbacks = agent.fallbackModels.join(QStringLiteral(", "));
    f.colour = agent.colour;
    f.avatar = agent.avatar;
    const auto &o = agent.options;
    f.temperature = o.temperature ? qBound(0.0, twoDecimals(*o.temperature), limits::MaxTemperature) : TemperatureDefault;
    f.topP = o.topP ? qBound(0.0, twoDecimals(*o.topP), 1.0) : TopPDefault;
    f.numCtx = o.numCtx ? qBound(1, *o.numCtx, limits::MaxNumCtx) : NumCtxDefault;
    f.numPredict = o.numPredict ? qBound(NumPredictDefault + 1, *o.numPredict, 1'000'000) : NumPredictDefault;
    f.seed = o.seed ? int(qBound(qint64(0), qint64(*o.seed), qint64(std::numeric_limits<int>::max()))) : SeedDefault;
    f.weight = qBound(0.0, twoDecimals(agent.weight), limits::MaxWeight);
    return f;
}

AgentEditor::Fields AgentEditor::current() const
{
    Fields f;
    f.name = m_name->text();
    f.description = m_description->text();
    f.role = m_role->currentData().toString();
    f.prompt = m_prompt->toPlainText();
    f.model = m_model->currentText();
    f.fallbacks = m_fallbacks->text();
    f.colour = m_colour->text();
    f.avatar = m_avatar->text();
    f.temperature = twoDecimals(m_temperature->value());
    f.topP = twoDecimals(m_topP->value());
    f.numCtx = m_numCtx->value();
    f.numPredict = m_numPredict->value();
    f.seed = m_seed->value();
    f.weight = twoDecimals(m_weight->value());
    return f;
}

void AgentEditor::showFields(const Fields &f)
{
    const bool wasShowing = std::exchange(m_showing, true);
    auto setText = [](QLineEdit *edit, const QString &text) {
        if (edit->text() != text) {
            edit->setText(text);
            edit->setCursorPosition(0); // the start of a long description
        }
    };
    setText(m_name, f.name);
    setText(m_description, f.description);
    setText(m_fallbacks, f.fallbacks);
    setText(m_colour, f.colour);
    setText(m_avatar, f.avatar);
    int role = m_role->findData(f.role);
    if (role < 0) {
        m_role->addItem(f.role, f.role); // a role key from elsewhere
        role = m_role->count() - 1;
    }
    m_role->setCurrentIndex(role);
    if (m_prompt->toPlainText() != f.prompt)
        m_prompt->setPlainText(f.prompt);
    if (m_model->currentText() != f.model)
        m_model->setEditText(f.model);
    if (twoDecimals(m_temperature->value()) != f.temperature)
        m_temperature->setValue(f.temperature);
    if (twoDecimals(m_topP->value()) != f.topP)
        m_topP->setValue(f.topP);
    m_numCtx->setValue(f.numCtx);
    m_numPredict->setValue(f.numPredict);
    m_seed->setValue(f.seed);
    if (twoDecimals(m_weight->value()) != f.weight)
        m_weight->setValue(f.weight);
    m_showing = wasShowing;
}

Agent AgentEditor::applied(Agent a, const Fields &now) const
{
    const Fields &was = m_loaded;
    if (now.name != was.name)
        a.name = now.name;
    if (now.description != was.description)
        a.description = now.description;
    if (now.role != was.role)
        a.role = now.role;
    if (now.prompt != was.prompt)
        a.systemPrompt = now.prompt;
    if (now.model != was.model)
        a.model = now.model.trimmed();
    if (now.fallbacks != was.fallbacks) {
        a.fallbackModels.clear();
        for (const QString &m : now.fallbacks.split(u',', Qt::SkipEmptyParts)) {
            if (!m.trimmed().isEmpty())
                a.fallbackModels.append(m.trimmed());
        }
    }
    if (now.colour != was.colour)
        a.colour = now.colour.trimmed();
    if (now.avatar != was.avatar)
        a.avatar = now.avatar.trimmed();
    auto &o = a.options;
    if (now.temperature != was.temperature)
        o.temperature = now.temperature <= TemperatureDefault + 1e-9 ? std::nullopt : std::optional<double>(now.temperature);
    if (now.topP != was.topP)
        o.topP = now.topP <= TopPDefault + 1e-9 ? std::nullopt : std::optional<double>(now.topP);
    if (now.numCtx != was.numCtx)
        o.numCtx = now.numCtx == NumCtxDefault ? std::nullopt : std::optional<int>(now.numCtx);
    if (now.numPredict != was.numPredict)
        o.numPredict = now.numPredict == NumPredictDefault ? std::nullopt : std::optional<int>(now.numPredict);
    if (now.seed != was.seed)
        o.seed = now.seed == SeedDefault ? std::nullopt : std::optional<qint64>(now.seed);
    if (now.weight != was.weight)
        a.weight = now.weight;
    return a;
}

void AgentEditor::setAgent(const Agent &agent)
{
    const bool another = agent.id != m_original.id;
    m_original = agent;
    m_loaded = fieldsOf(agent);
    showFields(m_loaded);
    m_saveState = SaveState::Idle;
    m_role->setEnabled(!agent.builtin);
    if (another) {
        m_prompt->moveCursor(QTextCursor::Start);
        m_prompt->ensureCursorVisible();
    }
    revalidate();
    updateHeader();
    updatePromptInfo();
    updateButtons();
}

void AgentEditor::rebase(const Agent &agent)
{
    if (agent.id != m_original.id) {
        setAgent(agent);
        return;
    }
    const Fields now = current();
    const Fields fresh = fieldsOf(agent);
    Fields merged = fresh;
    // Keep what the user changed; follow the new version elsewhere.
#define RT_KEEP(member)                                                                                                                    \
    if (now.member != m_loaded.member)                                                                                                     \
        merged.member = now.member;
    RT_KEEP(name)
    RT_KEEP(description)
    RT_KEEP(role)
    RT_KEEP(prompt)
    RT_KEEP(model)
    RT_KEEP(fallbacks)
    RT_KEEP(colour)
    RT_KEEP(avatar)
    RT_KEEP(temperature)
    RT_KEEP(topP)
    RT_KEEP(numCtx)
    RT_KEEP(numPredict)
    RT_KEEP(seed)
    RT_KEEP(weight)
#undef RT_KEEP
    m_original = agent;
    m_loaded = fresh;
    showFields(merged);
    m_role->setEnabled(!agent.builtin);
    revalidate();
    updateHeader();
    updatePromptInfo();
    updateButtons();
}

Agent AgentEditor::agent() const
{
    return applied(m_original, current());
}

bool AgentEditor::isDirty() const
{
    return hasAgent() && !(current() == m_loaded);
}

void AgentEditor::revert()
{
    showFields(m_loaded);
    m_saveState = SaveState::Idle;
    onEdited();
}

ValidationReport AgentEditor::revalidate()
{
    m_report = {};
    if (m_registry && hasAgent())
        m_report = m_registry->validate(agent());
    QHash<QString, QStringList> texts;
    QHash<QString, bool> hasError;
    for (const ValidationIssue &issue : std::as_const(m_report.issues)) {
        const QString key = fieldKey(issue.field);
        texts[key].append(issue.message);
        hasError[key] = hasError.value(key) || issue.isError();
    }
    for (auto it = m_messages.cbegin(); it != m_messages.cend(); ++it) {
        QLabel *label = it.value();
        const QStringList lines = texts.value(it.key());
        label->setText(lines.join(u'\n'));
        Theme::style(label, hasError.value(it.key()) ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {WarningText};"));
        label->setVisible(!lines.isEmpty());
    }
    updateButtons();
    return m_report;
}

QString AgentEditor::fieldMessage(const QString &field) const
{
    const QLabel *label = m_messages.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

void AgentEditor::setSaveState(SaveState state, const QString &message)
{
    m_saveState = state;
    updateButtons();
    if (state == SaveState::Failed) {
        m_status->setText(tr("Not saved: %1").arg(message));
        Theme::style(m_status, QStringLiteral("color: {ErrorText};"));
    }
}

void AgentEditor::onEdited()
{
    if (m_showing)
        return;
    if (m_saveState == SaveState::Saved || m_saveState == SaveState::Failed)
        m_saveState = SaveState::Idle;
    revalidate();
    updateHeader();
    updatePromptInfo();
    updateButtons();
    emit edited();
}

void AgentEditor::updateHeader()
{
    const Agent shown = agent();
    m_avatarPreview->setPixmap(SeatCard::avatar(shown, 44, devicePixelRatioF()));
    const QString name = shown.name.trimmed();
    const QString titleText = name.isEmpty() ? tr("(no name)") : name;
    m_title->setText(QFontMetrics(m_title->font()).elidedText(titleText, Qt::ElideRight, 380));
    m_title->setToolTip(name);
    m_badge->setVisible(shown.builtin);
    m_subtitle->setFullText(shown.description.isEmpty() ? AgentListModel::roleText(shown) : shown.description);
    m_subtitle->setToolTip(shown.description);
    const QColor colour(shown.colour);
    m_colourButton->setIcon(swatch(colour));
}

void AgentEditor::updatePromptInfo()
{
    const QString text = m_prompt->toPlainText();
    const QLocale locale;
    m_promptInfo->setText(tr("About %1 tokens · %2 characters")
                              .arg(locale.toString(rt::agents::estimateTokens(text)), locale.toString(qlonglong(text.size()))));
}

void AgentEditor::updateButtons()
{
    const bool dirty = isDirty();
    const bool saving = m_saveState == SaveState::Saving;
    const bool valid = m_report.ok();
    m_saveButton->setEnabled(hasAgent() && dirty && valid && !saving && m_registry);
    m_revertButton->setEnabled(dirty);
    m_tryButton->setEnabled(hasAgent());
    m_duplicateButton->setEnabled(hasAgent());
    m_exportButton->setEnabled(hasAgent());
    m_resetButton->setVisible(m_original.builtin);
    m_deleteButton->setVisible(!m_original.builtin);
    m_deleteButton->setEnabled(hasAgent());
    m_resetButton->setEnabled(hasAgent());

    QString text;
    QString colour = QStringLiteral("color: {MutedText};");
    switch (m_saveState) {
    case SaveState::Saving:
        text = tr("Saving…");
        break;
    case SaveState::Failed:
        return; // the failure stays until the next edit
    case SaveState::Saved:
        text = dirty ? QString() : tr("All changes saved.");
        break;
    case SaveState::Idle:
        break;
    }
    if (text.isEmpty() && dirty) {
        if (!valid) {
            text = tr("Fix what is marked above to save, or Revert.");
            colour = QStringLiteral("color: {ErrorText};");
        } else {
            text = tr("Unsaved changes. Save with Ctrl+S; leaving this agent saves them too.");
        }
    }
    m_status->setText(text);
    Theme::style(m_status, colour);
}

void AgentEditor::chooseColour()
{
    auto *dialog = new QColorDialog(QColor(m_colour->text().trimmed()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Agent Colour"));
    connect(dialog, &QColorDialog::colorSelected, this, [this](const QColor &colour) { m_colour->setText(colour.name().toUpper()); });
    dialog->open(); // window-modal, no nested event loop
}

} // namespace rt::ui

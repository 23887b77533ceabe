#include "newdebatepanel.h"

#include "agents/agentregistry.h"
#include "chatinput.h"
#include "common/appsettings.h"
#include "debatetext.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "seatcard.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace rt::ui {

using rt::debate::DebateConfig;
using rt::debate::FormatKind;

namespace {
const QStringList kDefaultSeats { QStringLiteral("Proponent"), QStringLiteral("Skeptic"), QStringLiteral("Pragmatist") };

QLabel *sectionLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setFont(Theme::scaledFont(label->font(), 0.95, true));
    return label;
}
} // namespace

NewDebatePanel::NewDebatePanel(
    rt::agents::AgentRegistry *registry, rt::llm::ModelCatalog *catalog, rt::llm::EndpointPool *pool, QWidget *parent)
    : QWidget(parent)
    , m_registry(registry)
    , m_catalog(catalog)
    , m_pool(pool)
{
    setObjectName(QStringLiteral("newDebatePanel"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Theme::ChatBackground);
    setPalette(pal);

    auto *formCard = new QFrame(this);
    formCard->setObjectName(QStringLiteral("newDebateCard"));
    Theme::style(
        formCard, QStringLiteral("QFrame#newDebateCard { background: {Surface}; border: 1px solid {Border}; border-radius: 12px; }"));
    formCard->setMaximumWidth(920);

    auto *title = new QLabel(tr("New Debate"), formCard);
    title->setFont(Theme::scaledFont(font(), 1.5, true));

    m_question = new ChatInput(formCard);
    m_question->setObjectName(QStringLiteral("debateQuestionInput"));
    m_question->setAccessibleName(tr("Question"));
    m_question->setPlaceholderText(tr("What should the agents debate? Enter starts, Shift+Enter adds a line."));

    m_seats = new QTableWidget(0, 3, formCard);
    m_seats->setObjectName(QStringLiteral("seatTable"));
    m_seats->setAccessibleName(tr("Seats"));
    m_seats->setHorizontalHeaderLabels({ tr("Agent"), tr("Role"), tr("Model") });
    m_seats->verticalHeader()->hide();
    m_seats->setSelectionMode(QAbstractItemView::NoSelection);
    m_seats->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_seats->setShowGrid(false);
    m_seats->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_seats->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_seats->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_seats->setMinimumHeight(200);
    m_seats->setIconSize(QSize(22, 22));

    m_format = new QComboBox(formCard);
    m_format->setObjectName(QStringLiteral("formatPicker"));
    m_format->setAccessibleName(tr("Format"));
    for (FormatKind kind : DebateText::formats())
        m_format->addItem(DebateText::formatName(kind), int(kind));
    m_formatHelp = new QLabel(formCard);
    m_formatHelp->setWordWrap(true);
    Theme::style(m_formatHelp, QStringLiteral("color: {MutedText};"));
    m_rounds = new QSpinBox(formCard);
    m_rounds->setObjectName(QStringLiteral("roundsSpin"));
    m_rounds->setAccessibleName(tr("Rounds"));
    m_rounds->setRange(1, DebateConfig::kRoundCap);
    m_threshold = new QDoubleSpinBox(formCard);
    m_threshold->setObjectName(QStringLiteral("thresholdSpin"));
    m_threshold->setAccessibleName(tr("Consensus threshold"));
    m_threshold->setRange(0.5, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(2);
    m_threshold->setToolTip(tr("Share of confidence-weighted support the leading answer needs to stop early"));

    m_moreButton = new QToolButton(formCard);
    m_moreButton->setObjectName(QStringLiteral("moreButton"));
    m_moreButton->setText(tr("More options"));
    m_moreButton->setCheckable(true);
    m_moreButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_moreButton->setArrowType(Qt::RightArrow);
    m_moreButton->setAutoRaise(true);
    m_more = new QWidget(formCard);
    m_tokenBudget = new QSpinBox(m_more);
    m_tokenBudget->setAccessibleName(tr("Token budget"));
    m_tokenBudget->setRange(0, 10'000'000);
    m_tokenBudget->setSingleStep(1000);
    m_tokenBudget->setSpecialValueText(tr("unlimited"));
    m_timeBudget = new QSpinBox(m_more);
    m_timeBudget->setAccessibleName(tr("Time budget in minutes"));
    m_timeBudget->setRange(0, 24 * 60);
    m_timeBudget->setSuffix(tr(" min"));
    m_timeBudget->setSpecialValueText(tr("unlimited"));
    m_stall = new QSpinBox(m_more);
    m_stall->setAccessibleName(tr("Stop when nobody changes position for this many rounds"));
    m_stall->setRange(0, DebateConfig::kRoundCap);
    m_stall->setSpecialValueText(tr("never"));
    m_synthesis = new QCheckBox(tr("A synthesiser writes a final summary"), m_more);
    auto *moreForm = new QFormLayout(m_more);
    moreForm->setContentsMargins(0, 0, 0, 0);
    moreForm->addRow(tr("Token budget:"), m_tokenBudget);
    moreForm->addRow(tr("Time budget:"), m_timeBudget);
    moreForm->addRow(tr("Stop after rounds without change:"), m_stall);
    moreForm->addRow(QString(), m_synthesis);
    m_more->hide();
    connect(m_moreButton, &QToolButton::toggled, this, [this](bool open) {
        m_more->setVisible(open);
        m_moreButton->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });

    m_problems = new QLabel(formCard);
    m_problems->setObjectName(QStringLiteral("newDebateProblems"));
    m_problems->setWordWrap(true);
    Theme::style(m_problems, QStringLiteral("color: {ErrorText};"));
    m_problems->setTextFormat(Qt::RichText);
    connect(m_problems, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link.startsWith(u"pull:"))
            emit pullRequested(link.mid(5));
    });
    m_start = new QPushButton(tr("Start Debate"), formCard);
    m_start->setObjectName(QStringLiteral("startDebateButton"));
    m_start->setProperty("primary", true);
    m_start->setDefault(true);
    auto *cancel = new QPushButton(tr("Cancel"), formCard);
    cancel->setObjectName(QStringLiteral("cancelNewDebateButton"));
    cancel->setToolTip(tr("Back to the list (Esc)"));
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));

    auto *settings = new QHBoxLayout;
    settings->setSpacing(10);
    settings->addWidget(new QLabel(tr("Format:"), formCard));
    settings->addWidget(m_format);
    settings->addSpacing(16);
    settings->addWidget(new QLabel(tr("Rounds:"), formCard));
    settings->addWidget(m_rounds);
    settings->addSpacing(16);
    settings->addWidget(new QLabel(tr("Consensus at:"), formCard));
    settings->addWidget(m_threshold);
    settings->addStretch(1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_problems, 1);
    buttons->addWidget(cancel);
    buttons->addWidget(m_start);

    auto *layout = new QVBoxLayout(formCard);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addWidget(sectionLabel(tr("Question"), formCard));
    layout->addWidget(m_question);
    layout->addWidget(sectionLabel(tr("Seats"), formCard));
    layout->addWidget(m_seats, 1);
    layout->addLayout(settings);
    layout->addWidget(m_formatHelp);
    layout->addWidget(m_moreButton, 0, Qt::AlignLeft);
    layout->addWidget(m_more);
    layout->addLayout(buttons);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(24, 20, 24, 20);
    outer->addWidget(formCard, 1, Qt::AlignHCenter);

    connect(m_question, &ChatInput::submitted, this, &NewDebatePanel::start);
    connect(m_question, &QPlainTextEdit::textChanged, this, &NewDebatePanel::validate);
    connect(m_start, &QPushButton::clicked, this, &NewDebatePanel::start);
    connect(cancel, &QPushButton::clicked, this, &NewDebatePanel::cancelled);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_formatHelp->setText(DebateText::formatHelp(FormatKind(m_format->itemData(qMax(0, index)).toInt())));
        validate();
    });
    connect(m_seats, &QTableWidget::itemChanged, this, [this] {
        if (!m_filling)
            validate();
    });
    connect(m_rounds, &QSpinBox::valueChanged, this, &NewDebatePanel::validate);
    if (m_catalog)
        connect(m_catalog, &rt::llm::ModelCatalog::modelsChanged, this, &NewDebatePanel::reloadModels);
    if (m_pool) {
        connect(m_pool, &rt::llm::EndpointPool::hostStateChanged, this, &NewDebatePanel::validate);
    }
    setRegistry(registry);
    reset();
}

void NewDebatePanel::setRegistry(rt::agents::AgentRegistry *registry)
{
    if (registry == m_registry && m_registryConnection)
        return;
    disconnect(m_registryConnection);
    m_registry = registry;
    if (registry)
        m_registryConnection = connect(registry, &rt::agents::AgentRegistry::agentsReset, this, [this] { reset(); });
}

void NewDebatePanel::reset()
{
    m_question->clear();
    m_format->setCurrentIndex(0);
    m_formatHelp->setText(DebateText::formatHelp(DebateText::formats().constFirst()));
    m_rounds->setValue(3);
    m_threshold->setValue(0.8);
    m_tokenBudget->setValue(0);
    m_timeBudget->setValue(0);
    m_stall->setValue(1);
    m_synthesis->setChecked(true);
    fillAgents(kDefaultSeats, {});
    validate();
}

void NewDebatePanel::prefill(const DebateConfig &config)
{
    m_question->setPlainText(config.question);
    for (int i = 0; i < m_format->count(); ++i) {
        if (m_format->itemData(i).toInt() == int(config.format))
            m_format->setCurrentIndex(i);
    }
    m_rounds->setValue(config.maxRounds);
    m_threshold->setValue(config.consensusThreshold);
    m_tokenBudget->setValue(int(qMin<qint64>(config.tokenBudget, m_tokenBudget->maximum())));
    m_timeBudget->setValue(int(config.timeBudgetMs / 60'000));
    m_stall->setValue(config.stallRounds);
    m_synthesis->setChecked(config.synthesis);
    QStringList names;
    QHash<QString, QString> models;
    for (const rt::agents::Agent &agent : config.agents) {
        names << agent.name;
        models.insert(agent.name, agent.model);
    }
    fillAgents(names, models);
    validate();
}

void NewDebatePanel::focusQuestion()
{
    m_question->setFocus();
    m_question->moveCursor(QTextCursor::End);
}

QString NewDebatePanel::defaultModel() const
{
    // As the command line decides: the default model in the settings, else the
    // last model used, else the first installed chat model.
    const QString configured = rt::AppSettings::value(rt::AppSettings::DefaultModel).toString();
    if (!configured.isEmpty())
        return configured;
    const QString last = rt::AppSettings::value(rt::AppSettings::LastModel).toString();
    const QList<rt::llm::ModelInfo> models = m_catalog ? m_catalog->models() : QList<rt::llm::ModelInfo> {};
    for (const rt::llm::ModelInfo &m : models) {
        if (m.name == last)
            return last;
    }
    for (const rt::llm::ModelInfo &m : models) {
        if (!m.hasCapability(u"embedding") || m.hasCapability(u"completion"))
            return m.name;
    }
    return last;
}

void NewDebatePanel::fillModelPicker(QComboBox *picker, const QString &preferred) const
{
    picker->clear();
    const QList<rt::llm::ModelInfo> models = m_catalog ? m_catalog->models() : QList<rt::llm::ModelInfo> {};
    for (const rt::llm::ModelInfo &m : models) {
        if (m.hasCapability(u"embedding") && !m.hasCapability(u"completion"))
            continue; // embedding models cannot speak
        const QStringList hosts = m_catalog->hostsWithModel(m.name);
        const QString label
            = m_pool && m_pool->hostNames().size() > 1 ? tr("%1  (%2)").arg(m.name, hosts.join(QStringLiteral(", "))) : m.name;
        picker->addItem(label, m.name);
    }
    const QString wanted = preferred.isEmpty() ? defaultModel() : preferred;
    int index = picker->findData(wanted);
    if (index < 0 && !wanted.isEmpty()) {
        // Keep the agent's model visible even when no host has it: validation says so.
        picker->insertItem(0, tr("%1 (not installed)").arg(wanted), wanted);
        index = 0;
    }
    picker->setCurrentIndex(qMax(0, index));
}

void NewDebatePanel::fillAgents(const QStringList &checkedNames, const QHash<QString, QString> &models)
{
    m_filling = true;
    m_agents = m_registry ? m_registry->agents() : QList<rt::agents::Agent> {};
    m_seats->setRowCount(0);
    m_seats->setRowCount(int(m_agents.size()));
    for (int row = 0; row < m_agents.size(); ++row) {
        const rt::agents::Agent &agent = m_agents.at(row);
        auto *name = new QTableWidgetItem(QIcon(SeatCard::avatar(agent, 22, devicePixelRatioF())), agent.name);
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        bool checked = false;
        for (const QString &n : checkedNames)
            checked = checked || n.compare(agent.name, Qt::CaseInsensitive) == 0;
        name->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        m_seats->setItem(row, 0, name);
        auto *role = new QTableWidgetItem(agent.description);
        role->setFlags(Qt::ItemIsEnabled);
        role->setForeground(Theme::MutedText);
        role->setToolTip(agent.description);
        m_seats->setItem(row, 1, role);
        auto *picker = new QComboBox(m_seats);
        picker->setAccessibleName(tr("Model for %1").arg(agent.name));
        picker->setMinimumWidth(170);
        fillModelPicker(picker, models.value(agent.name, agent.model));
        connect(picker, &QComboBox::currentIndexChanged, this, &NewDebatePanel::validate);
        m_seats->setCellWidget(row, 2, picker);
    }
    m_filling = false;
}

void NewDebatePanel::reloadModels()
{
    for (int row = 0; row < m_seats->rowCount(); ++row) {
        auto *picker = qobject_cast<QComboBox *>(m_seats->cellWidget(row, 2));
        if (!picker)
            continue;
        const QString current = picker->currentData().toString();
        const QSignalBlocker block(picker);
        fillModelPicker(picker, current.isEmpty() ? m_agents.value(row).model : current);
    }
    validate();
}

DebateConfig NewDebatePanel::config() const
{
    DebateConfig config;
    config.question = m_question->toPlainText().trimmed();
    config.format = FormatKind(m_format->currentData().toInt());
    config.maxRounds = m_rounds->value();
    config.consensusThreshold = m_threshold->value();
    config.tokenBudget = m_tokenBudget->value();
    config.timeBudgetMs = qint64(m_timeBudget->value()) * 60'000;
    config.stallRounds = m_stall->value();
    config.synthesis = m_synthesis->isChecked();
    for (int row = 0; row < m_seats->rowCount() && row < m_agents.size(); ++row) {
        if (m_seats->item(row, 0)->checkState() != Qt::Checked)
            continue;
        rt::agents::Agent agent = m_agents.at(row);
        if (auto *picker = qobject_cast<QComboBox *>(m_seats->cellWidget(row, 2)); picker && !picker->currentData().toString().isEmpty())
            agent.model = picker->currentData().toString();
        config.agents.append(agent);
    }
    config.defaultModel = defaultModel();
    return config;
}

QStringList NewDebatePanel::problems() const
{
    QStringList out;
    const DebateConfig c = config();
    if (c.question.isEmpty())
        out << tr("Type the question the agents should debate.");
    if (!m_registry)
        out << tr("The agents are still loading.");
    if (c.agents.size() < 2)
        out << tr("Pick at least two agents (tick them in the Seats list).");
    else if (const QString invalid =
                 [&] {
                     DebateConfig check = c;
                     if (check.question.isEmpty())
                         check.question = QStringLiteral("?");
                     return check.validate();
                 }();
             !invalid.isEmpty())
        out << invalid;
    if (m_pool && !m_pool->anyAvailable())
        out << tr("No Ollama host is answering. Start Ollama (or the demo) and try again.");
    if (m_catalog && m_catalog->hasAnyList()) {
        for (const rt::agents::Agent &agent : c.agents) {
            if (agent.model.isEmpty())
                out << tr("%1 has no model: pull one on the Models page or pick one here.").arg(agent.name);
            else if (!m_catalog->model(agent.model))
                out << tr("%1's model %2 is not installed on any host: pick another or pull it with \"roundtable models pull %2\".")
                           .arg(agent.name, agent.model);
        }
    }
    return out;
}

void NewDebatePanel::validate()
{
    if (m_filling)
        return;
    const QStringList list = problems();
    // The empty question is obvious; say it only in the tooltip.
    QStringList shown = list;
    shown.removeAll(tr("Type the question the agents should debate."));
    QStringList lines;
    for (const QString &problem : std::as_const(shown))
        lines << problem.toHtmlEscaped();
    // A model no host has: one click to pull it.
    if (m_catalog && m_catalog->hasAnyList()) {
        QStringList missing;
        for (const rt::agents::Agent &agent : config().agents) {
            if (!agent.model.isEmpty() && !m_catalog->model(agent.model) && !missing.contains(agent.model))
                missing << agent.model;
        }
        for (const QString &model : std::as_const(missing))
            lines << tr("<a href=\"pull:%1\">Pull %1</a>").arg(model.toHtmlEscaped());
    }
    m_problems->setText(lines.join(QStringLiteral("<br>")));
    m_start->setEnabled(list.isEmpty());
    m_start->setToolTip(list.isEmpty() ? tr("Start the debate (Enter)") : list.constFirst());
}

void NewDebatePanel::start()
{
    validate();
    if (!m_start->isEnabled())
        return;
    emit startRequested(config());
}

} // namespace rt::ui

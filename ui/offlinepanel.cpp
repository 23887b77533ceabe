#include "offlinepanel.h"

#include "llm/ollamahost.h"
#include "theme.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace rt::ui {

namespace {
QLabel *makeLabel(const QString &text, QWidget *parent, const QColor &color = Theme::Text)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(color)));
    return label;
}

QLabel *makeCode(const QString &code, QWidget *parent)
{
    auto *label = new QLabel(code, parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont mono = label->font();
    mono.setFamily(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    label->setFont(mono);
    Theme::style(label,
        QStringLiteral("background: {CodeBackground}; border: 1px solid {Border}; border-radius: 6px; padding: 8px 12px; color: {Text};"));
    return label;
}

QFrame *makeRule(QWidget *parent)
{
    auto *rule = new QFrame(parent);
    rule->setFixedHeight(1);
    Theme::style(rule, QStringLiteral("background: {Border};"));
    return rule;
}
} // namespace

OfflinePanel::OfflinePanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("offlinePanel"));
    setAutoFillBackground(true);
    QPalette palette = this->palette();
    palette.setColor(QPalette::Window, Theme::ChatBackground);
    setPalette(palette);

    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("offlineCard"));
    Theme::style(card, QStringLiteral("QFrame#offlineCard { background: {Surface}; border: 1px solid {Border}; border-radius: 14px; }"));
    card->setMaximumWidth(640);

    auto *badge = new QLabel(tr("OFFLINE"), card);
    badge->setFont(Theme::scaledFont(font(), 0.8, true));
    Theme::style(badge, QStringLiteral("color: {ErrorText}; background: {ErrorBackground}; border-radius: 9px; padding: 2px 10px;"));
    auto *title = new QLabel(tr("Ollama is not answering"), card);
    title->setFont(Theme::scaledFont(font(), 1.6, true));
    m_host = makeLabel(QString(), card);
    m_host->setObjectName(QStringLiteral("offlineHost"));
    m_host->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reason = makeLabel(QString(), card, Theme::MutedText);
    m_reason->setTextFormat(Qt::PlainText);
    m_reason->setFont(Theme::scaledFont(font(), 0.92));

    auto *startTitle = makeLabel(tr("<b>To chat with your own models, start Ollama</b> in a terminal:"), card);
    auto *serve = makeCode(QStringLiteral("ollama serve"), card);
    auto *elsewhere = makeLabel(tr("Is Ollama running on another machine or port? Set <b>OLLAMA_HOST</b>, or start Roundtable with "
                                   "<b>--ollama-host</b> <i>URL</i>."),
        card);
    auto *install = makeLabel(
        tr("Not installed yet? Get it from ollama.com, then pull a model: <b>ollama pull llama3.2</b>"), card, Theme::MutedText);

    m_retryStatus = makeLabel(QString(), card, Theme::MutedText);
    m_retryStatus->setObjectName(QStringLiteral("retryStatus"));
    m_retryButton = new QPushButton(tr("Retry Now"), card);
    m_retryButton->setObjectName(QStringLiteral("retryNowButton"));
    auto *retryRow = new QHBoxLayout;
    retryRow->addWidget(m_retryStatus, 1);
    retryRow->addWidget(m_retryButton);

    auto *demoTitle = makeLabel(tr("<b>No Ollama at hand?</b> Try Roundtable with the built-in simulator. Its models are "
                                   "simulated: replies are sample text, not AI."),
        card);
    m_demoButton = new QPushButton(tr("Try the Demo"), card);
    m_demoButton->setObjectName(QStringLiteral("tryDemoButton"));
    m_demoButton->setProperty("primary", true);
    m_demoStatus = makeLabel(QString(), card, Theme::MutedText);
    m_demoStatus->setObjectName(QStringLiteral("demoStatus"));
    m_demoStatus->setTextFormat(Qt::PlainText);
    m_demoStatus->hide();
    auto *demoRow = new QHBoxLayout;
    demoRow->addWidget(demoTitle, 1);
    demoRow->addSpacing(12);
    demoRow->addWidget(m_demoButton, 0, Qt::AlignVCenter);

    auto *cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(32, 28, 32, 28);
    cardLayout->setSpacing(10);
    cardLayout->addWidget(badge, 0, Qt::AlignLeft);
    cardLayout->addWidget(title);
    cardLayout->addWidget(m_host);
    cardLayout->addWidget(m_reason);
    cardLayout->addSpacing(8);
    cardLayout->addWidget(startTitle);
    cardLayout->addWidget(serve);
    cardLayout->addWidget(elsewhere);
    cardLayout->addWidget(install);
    cardLayout->addSpacing(4);
    cardLayout->addLayout(retryRow);
    cardLayout->addSpacing(6);
    cardLayout->addWidget(makeRule(card));
    cardLayout->addSpacing(6);
    cardLayout->addLayout(demoRow);
    cardLayout->addWidget(m_demoStatus);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(32, 32, 32, 32);
    outer->addStretch(1);
    auto *center = new QHBoxLayout;
    center->addStretch(1);
    center->addWidget(card, 100);
    center->addStretch(1);
    outer->addLayout(center);
    outer->addStretch(2);

    connect(m_retryButton, &QPushButton::clicked, this, &OfflinePanel::retryRequested);
    connect(m_demoButton, &QPushButton::clicked, this, &OfflinePanel::demoRequested);
    setCountdown(0);
}

void OfflinePanel::setHost(const QUrl &host)
{
    m_host->setText(tr("Roundtable tried <b>%1</b> and got no answer.").arg(rt::llm::displayHost(host).toHtmlEscaped()));
}

QString OfflinePanel::hostText() const
{
    return m_host->text();
}

void OfflinePanel::setReason(const QString &reason)
{
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
}

void OfflinePanel::setCountdown(int secondsLeft)
{
    if (m_checking || secondsLeft <= 0)
        m_retryStatus->setText(tr("Trying again…"));
    else
        m_retryStatus->setText(secondsLeft == 1 ? tr("Roundtable keeps trying by itself. Next try in 1 second.")
                                                : tr("Roundtable keeps trying by itself. Next try in %1 seconds.").arg(secondsLeft));
}

void OfflinePanel::setChecking(bool checking)
{
    m_checking = checking;
    m_retryButton->setEnabled(!checking);
    if (checking)
        setCountdown(0);
}

void OfflinePanel::setDemoStarting(bool starting)
{
    m_demoButton->setEnabled(!starting);
    m_demoButton->setText(starting ? tr("Starting…") : tr("Try the Demo"));
    if (starting) {
        Theme::style(m_demoStatus, QStringLiteral("color: {MutedText};"));
        m_demoStatus->setText(tr("Starting the simulator…"));
        m_demoStatus->show();
    }
}

void OfflinePanel::setDemoError(const QString &message)
{
    setDemoStarting(false);
    Theme::style(m_demoStatus, QStringLiteral("color: {ErrorText};"));
    m_demoStatus->setText(message);
    m_demoStatus->setVisible(!message.isEmpty());
}

} // namespace rt::ui

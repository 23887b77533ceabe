#include "settingspage.h"

#include "common/appsettings.h"
#include "common/futurecallback.h"
#include "common/i18n.h"
#include "llm/endpointpool.h"
#include "llm/modelcatalog.h"
#include "metrics/metricssampler.h"
#include "qrcodewidget.h"
#include "server/localserver.h"
#include "server/metricsservice.h"
#include "storage/databaselocation.h"
#include "storage/storage.h"
#include "theme.h"
#include "workspace.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPromise>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <memory>

namespace rt::ui {

namespace {

QLabel *note(const QString &text, QWidget *parent, const QString &colour = QStringLiteral("{MutedText}"))
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    Theme::style(label, QStringLiteral("color: %1;").arg(colour));
    return label;
}

// A titled card: one group of settings.
QFrame *section(const QString &title, const QString &subtitle, QWidget *parent, QVBoxLayout **body)
{
    auto *frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("settingsSection"));
    Theme::style(
        frame, QStringLiteral("QFrame#settingsSection { background: {Surface}; border: 1px solid {Border}; border-radius: 10px; }"));
    auto *layout = new QVBoxLayout(frame);
    layout->setContentsMargins(18, 14, 18, 16);
    layout->setSpacing(8);
    auto *heading = new QLabel(title, frame);
    heading->setFont(Theme::scaledFont(parent->font(), 1.15, true));
    layout->addWidget(heading);
    if (!subtitle.isEmpty())
        layout->addWidget(note(subtitle, frame));
    *body = layout;
    return frame;
}

QString themeKey(int index)
{
    return index == 1 ? QStringLiteral("light") : index == 2 ? QStringLiteral("dark") : QStringLiteral("system");
}

} // namespace

SettingsPage::SettingsPage(Workspace *workspace, rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_pool(pool)
    , m_catalog(catalog)
{
    setObjectName(QStringLiteral("settingsPage"));
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("settingsContent"));
    content->setMaximumWidth(820);
    content->setMinimumWidth(480);
    auto *title = new QLabel(tr("Settings"), content);
    title->setFont(Theme::scaledFont(font(), 1.5, true));
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(24, 20, 24, 24);
    column->setSpacing(14);
    column->addWidget(title);
    column->addWidget(note(tr("Changes are saved as you make them."), content));
    column->addWidget(buildHosts());
    column->addWidget(buildDatabase());
    column->addWidget(buildAppearance());
    column->addWidget(buildMetrics());
    column->addWidget(buildServer());
    column->addStretch(1);

    // A readable column in the middle of a wide window.
    auto *centre = new QWidget;
    auto *centring = new QHBoxLayout(centre);
    centring->setContentsMargins(0, 0, 0, 0);
    centring->addStretch(1);
    centring->addWidget(content, 12);
    centring->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("settingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(centre);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    connect(m_pool, &rt::llm::EndpointPool::hostStateChanged, this, &SettingsPage::updateHosts);
    connect(m_pool, &rt::llm::EndpointPool::hostAdded, this, &SettingsPage::updateHosts);
    connect(m_pool, &rt::llm::EndpointPool::hostRemoved, this, &SettingsPage::updateHosts);
    connect(m_catalog, &rt::llm::ModelCatalog::modelsChanged, this, &SettingsPage::updateModels);
    connect(m_workspace, &Workspace::ready, this, &SettingsPage::updateDatabaseNow);
    connect(Theme::notifier(), &Theme::Notifier::modeChanged, this, &SettingsPage::updateHosts);
    connect(&m_testWatcher, &QFutureWatcher<rt::Result<rt::storage::ConnectionCheck>>::finished, this, [this] {
        m_test->setEnabled(true);
        m_test->setText(tr("&Test Connection"));
        const rt::Result<rt::storage::ConnectionCheck> result = m_testWatcher.result();
        if (!result) {
            m_tested.clear();
            showDatabaseResult(tr("✗ %1").arg(result.error().message), true);
        } else if (result->schemaVersion > result->latestVersion) {
            m_tested.clear();
            showDatabaseResult(tr("✗ %1").arg(result->summary()), true);
        } else {
            m_tested = m_database->text().trimmed();
            showDatabaseResult(tr("✓ %1").arg(result->summary()), false);
        }
        m_useDatabase->setEnabled(!m_tested.isEmpty() || m_database->text().trimmed().isEmpty());
    });
    updateHosts();
    updateModels();
    updateDatabaseNow();
}

QWidget *SettingsPage::buildHosts()
{
    QVBoxLayout *body = nullptr;
    QFrame *frame = section(tr("Ollama"),
        tr("Where the models run. Requests go to a host that has the model; a host that fails is "
           "rested until it answers again."),
        this, &body);
    m_hosts = new QLabel(frame);
    m_hosts->setObjectName(QStringLiteral("hostsSummary"));
    m_hosts->setTextFormat(Qt::RichText);
    m_hosts->setWordWrap(true);
    m_hostsOverride = note(QString(), frame, QStringLiteral("{WarningText}"));
    m_hostsOverride->setObjectName(QStringLiteral("hostsOverride"));
    m_hostsOverride->hide();
    auto *manage = new QPushButton(tr("&Manage Hosts…"), frame);
    manage->setObjectName(QStringLiteral("manageHostsButton"));
    manage->setToolTip(tr("Add, edit or remove hosts and see their models (Models page)."));
    connect(manage, &QPushButton::clicked, this, &SettingsPage::manageHostsRequested);

    m_defaultModel = new QComboBox(frame);
    m_defaultModel->setObjectName(QStringLiteral("defaultModelCombo"));
    m_defaultModel->setEditable(true);
    m_defaultModel->setInsertPolicy(QComboBox::NoInsert);
    m_defaultModel->setMinimumWidth(260);
    m_defaultModel->lineEdit()->setPlaceholderText(tr("The last model used"));
    m_defaultModel->setAccessibleName(tr("Default model"));
    m_defaultModel->setCurrentText(rt::AppSettings::value(rt::AppSettings::DefaultModel).toString());
    auto saveModel = [this] { rt::AppSettings::setValue(rt::AppSettings::DefaultModel, m_defaultModel->currentText().trimmed()); };
    connect(m_defaultModel, &QComboBox::activated, this, saveModel);
    connect(m_defaultModel->lineEdit(), &QLineEdit::editingFinished, this, saveModel);

    auto *row = new QHBoxLayout;
    row->addWidget(m_hosts, 1);
    row->addWidget(manage, 0, Qt::AlignTop);
    body->addLayout(row);
    body->addWidget(m_hostsOverride);
    auto *form = new QFormLayout;
    form->setContentsMargins(0, 6, 0, 0);
    form->addRow(tr("Default &model:"), m_defaultModel);
    body->addLayout(form);
    body->addWidget(note(tr("The chat starts with it (instead of the model used last), and debate seats and agents without a "
                            "model of their own use it."),
        frame));
    return frame;
}

QWidget *SettingsPage::buildDatabase()
{
    QVBoxLayout *body = nullptr;
    QFrame *frame = section(tr("Database"),
        tr("Every chat, debate, agent and task is kept here. A SQLite file needs no setup; a PostgreSQL server lets a team share "
           "one history."),
        this, &body);
    m_databaseNow = new QLabel(frame);
    m_databaseNow->setObjectName(QStringLiteral("databaseNow"));
    m_databaseNow->setWordWrap(true);
    m_databaseNow->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_databaseOverride = note(QString(), frame, QStringLiteral("{WarningText}"));
    m_databaseOverride->setObjectName(QStringLiteral("databaseOverride"));
    m_databaseOverride->hide();

    m_database = new QLineEdit(frame);
    m_database->setObjectName(QStringLiteral("databaseEdit"));
    m_database->setAccessibleName(tr("Database location"));
    m_database->setClearButtonEnabled(true);
    m_database->setPlaceholderText(tr("Default file (%1)").arg(QDir::toNativeSeparators(rt::storage::defaultSqlitePath())));
    m_database->setToolTip(tr("A SQLite file path, or postgresql://user:password@host:5432/database"));
    m_database->setText(rt::AppSettings::value(rt::AppSettings::Database).toString());
    m_browse = new QPushButton(tr("&Browse…"), frame);
    m_browse->setToolTip(tr("Choose a SQLite file."));
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString file = m_openFileHook
            ? m_openFileHook()
            : QFileDialog::getSaveFileName(this, tr("SQLite Database File"), rt::storage::defaultSqlitePath(),
                tr("SQLite databases (*.sqlite *.db);;All files (*)"), nullptr, QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_database->setText(QDir::toNativeSeparators(file));
    });
    auto *edit = new QHBoxLayout;
    edit->addWidget(m_database, 1);
    edit->addWidget(m_browse);

    m_test = new QPushButton(tr("&Test Connection"), frame);
    m_test->setObjectName(QStringLiteral("testConnectionButton"));
    m_test->setToolTip(tr("Connect without changing anything and report the server version, or the exact error."));
    m_useDatabase = new QPushButton(tr("&Use This Database"), frame);
    m_useDatabase->setObjectName(QStringLiteral("useDatabaseButton"));
    m_useDatabase->setProperty("primary", true);
    m_useDatabase->setToolTip(tr("Save it as the database for the next start (test it first)."));
    m_useDatabase->setEnabled(false);
    m_restart = new QPushButton(tr("&Restart Now"), frame);
    m_restart->setObjectName(QStringLiteral("restartButton"));
    m_restart->hide();
    connect(m_test, &QPushButton::clicked, this, &SettingsPage::testConnection);
    connect(m_useDatabase, &QPushButton::clicked, this, &SettingsPage::useDatabase);
    connect(m_restart, &QPushButton::clicked, this, &SettingsPage::restartRequested);
    connect(m_database, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_useDatabase->setEnabled(text.trimmed() == m_tested || text.trimmed().isEmpty());
        if (text.trimmed() != m_tested)
            showDatabaseResult({}, false);
    });
    connect(m_database, &QLineEdit::returnPressed, this, &SettingsPage::testConnection);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_test);
    buttons->addWidget(m_useDatabase);
    buttons->addWidget(m_restart);
    buttons->addStretch(1);

    m_databaseResult = new QLabel(frame);
    m_databaseResult->setObjectName(QStringLiteral("databaseResult"));
    m_databaseResult->setWordWrap(true);
    m_databaseResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_databaseResult->hide();

    m_backup = new QPushButton(tr("&Back Up Now…"), frame);
    m_backup->setObjectName(QStringLiteral("backupButton"));
    m_backup->setToolTip(tr("Copy the database to a new file while Roundtable keeps running (SQLite VACUUM INTO)."));
    connect(m_backup, &QPushButton::clicked, this, &SettingsPage::backupNow);
    m_backupResult = note(QString(), frame);
    m_backupResult->setObjectName(QStringLiteral("backupResult"));
    m_backupResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *backup = new QHBoxLayout;
    backup->addWidget(m_backup);
    backup->addWidget(m_backupResult, 1);

    body->addWidget(m_databaseNow);
    body->addWidget(m_databaseOverride);
    body->addSpacing(4);
    body->addLayout(edit);
    body->addLayout(buttons);
    body->addWidget(m_databaseResult);
    body->addWidget(note(tr("A new database location applies after Roundtable restarts; nothing is copied or moved."), frame));
    body->addSpacing(6);
    body->addLayout(backup);
    return frame;
}

void SettingsPage::showLanguageNote()
{
    // The window speaks the language it started with; a new choice needs a restart.
    const QString chosen = rt::i18n::resolve(m_language->currentData().toString());
    const bool differs = chosen != rt::i18n::current();
    m_languageRestart->setVisible(differs);
    m_languageNote->setText(differs ? tr("Roundtable will speak %1 after a restart.").arg(rt::i18n::nativeName(chosen))
                                    : tr("The window's language. The command line follows the system's (LANGUAGE, LC_ALL, LANG)."));
}

QWidget *SettingsPage::buildAppearance()
{
    QVBoxLayout *body = nullptr;
    QFrame *frame = section(tr("Appearance and language"), QString(), this, &body);
    m_theme = new QComboBox(frame);
    m_theme->setObjectName(QStringLiteral("themeCombo"));
    m_theme->addItems({ tr("Same as the system"), tr("Light"), tr("Dark") });
    const QString saved = rt::AppSettings::value(rt::AppSettings::Theme).toString();
    m_theme->setCurrentIndex(saved == u"light" ? 1 : saved == u"dark" ? 2 : 0);
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this](int index) {
        rt::AppSettings::setValue(rt::AppSettings::Theme, themeKey(index));
        if (auto mode = Theme::parseMode(themeKey(index)))
            Theme::change(*qApp, *mode);
    });
    m_themeOverride = note(QString(), frame, QStringLiteral("{WarningText}"));
    m_themeOverride->hide();

    m_fontSize = new QSpinBox(frame);
    m_fontSize->setObjectName(QStringLiteral("transcriptFontSize"));
    m_fontSize->setRange(0, 28);
    m_fontSize->setSpecialValueText(tr("System size"));
    m_fontSize->setSuffix(tr(" pt"));
    m_fontSize->setValue(rt::AppSettings::value(rt::AppSettings::TranscriptFontPt).toInt());
    m_fontSize->setAccessibleName(tr("Transcript font size"));
    connect(m_fontSize, &QSpinBox::valueChanged, this, [](int points) {
        rt::AppSettings::setValue(rt::AppSettings::TranscriptFontPt, points);
        Theme::setTranscriptPointSize(points);
    });

    m_language = new QComboBox(frame);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(tr("Same as the system"), QString());
    for (const QString &code : rt::i18n::languages())
        m_language->addItem(rt::i18n::nativeName(code), code); // each in its own language
    const int language = m_language->findData(rt::AppSettings::value(rt::AppSettings::Language).toString());
    m_language->setCurrentIndex(std::max(0, language));
    m_languageNote = note(QString(), frame);
    m_languageNote->setObjectName(QStringLiteral("languageNote"));
    m_languageRestart = new QPushButton(tr("Restart No&w"), frame);
    m_languageRestart->setObjectName(QStringLiteral("languageRestartButton"));
    m_languageRestart->setToolTip(tr("Close the window and open it again in the chosen language (running debates are asked about first)."));
    connect(m_languageRestart, &QPushButton::clicked, this, &SettingsPage::restartRequested);
    connect(m_language, &QComboBox::currentIndexChanged, this, [this](int index) {
        rt::AppSettings::setValue(rt::AppSettings::Language, m_language->itemData(index).toString());
        showLanguageNote();
    });
    showLanguageNote();
    auto *languageRow = new QHBoxLayout;
    languageRow->addWidget(m_languageNote, 1);
    languageRow->addWidget(m_languageRestart, 0, Qt::AlignTop);

    auto *form = new QFormLayout;
    form->addRow(tr("&Theme:"), m_theme);
    form->addRow(QString(), m_themeOverride);
    form->addRow(tr("Transcript &font size:"), m_fontSize);
    form->addRow(tr("&Language:"), m_language);
    form->addRow(QString(), languageRow);
    body->addLayout(form);
    return frame;
}

QWidget *SettingsPage::buildServer()
{
    QVBoxLayout *body = nullptr;
    QFrame *frame = section(tr("Local Server"),
        tr("Serves /metrics to Prometheus, /health to monitors and a read-only live view of your debates to anyone with the viewer "
           "link, while Roundtable runs. Off unless you turn it on; only this computer can connect unless you choose all networks."),
        this, &body);
    m_serverEnabled = new QCheckBox(tr("&Run the local server"), frame);
    m_serverEnabled->setObjectName(QStringLiteral("serverCheck"));
    m_serverEnabled->setChecked(rt::AppSettings::value(rt::AppSettings::ServerEnabled).toBool());

    m_serverPort = new QSpinBox(frame);
    m_serverPort->setObjectName(QStringLiteral("serverPortSpin"));
    m_serverPort->setRange(1, 65535);
    m_serverPort->setValue(rt::AppSettings::value(rt::AppSettings::ServerPort).toInt());
    m_serverPort->setAccessibleName(tr("Server port"));
    m_serverPort->setKeyboardTracking(false); // one restart when the number is complete
    m_serverPort->setMaximumWidth(160);

    m_serverBind = new QComboBox(frame);
    m_serverBind->setObjectName(QStringLiteral("serverBindCombo"));
    m_serverBind->addItem(tr("This computer only (127.0.0.1)"), QStringLiteral("127.0.0.1"));
    m_serverBind->addItem(tr("All networks (0.0.0.0)"), QStringLiteral("0.0.0.0"));
    const QString bind = rt::AppSettings::value(rt::AppSettings::ServerBind).toString();
    if (m_serverBind->findData(bind) < 0)
        m_serverBind->addItem(bind, bind); // an address chosen by hand in the settings file
    m_serverBind->setCurrentIndex(std::max(0, m_serverBind->findData(bind)));
    m_serverBind->setAccessibleName(tr("Listen on"));

    m_serverToken = new QLineEdit(frame);
    m_serverToken->setObjectName(QStringLiteral("serverTokenEdit"));
    m_serverToken->setReadOnly(true);
    m_serverToken->setText(rt::server::MetricsService::storedToken());
    m_serverToken->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_serverToken->setAccessibleName(tr("Bearer token"));
    m_copyToken = new QPushButton(tr("&Copy"), frame);
    m_copyToken->setToolTip(tr("Copy the token to the clipboard."));
    connect(m_copyToken, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_serverToken->text()); });
    m_newToken = new QPushButton(tr("&New Token"), frame);
    m_newToken->setObjectName(QStringLiteral("newTokenButton"));
    m_newToken->setToolTip(tr("Make a new token; scrapers with the old one are refused from now on."));
    connect(m_newToken, &QPushButton::clicked, this, [this] {
        const QString token = rt::server::LocalServer::generateToken();
        rt::AppSettings::setValue(rt::AppSettings::ServerToken, token);
        m_serverToken->setText(token);
        applyServer();
    });
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_serverToken, 1);
    tokenRow->addWidget(m_copyToken);
    tokenRow->addWidget(m_newToken);

    m_serverLoopback = new QCheckBox(tr("Let this computer read /metrics &without the token"), frame);
    m_serverLoopback->setObjectName(QStringLiteral("serverLoopbackCheck"));
    m_serverLoopback->setChecked(rt::AppSettings::value(rt::AppSettings::ServerLoopbackWithoutToken).toBool());

    m_serverStatus = new QLabel(frame);
    m_serverStatus->setObjectName(QStringLiteral("serverStatus"));
    m_serverStatus->setWordWrap(true);
    m_serverStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copyScrape = new QPushButton(tr("Copy &Prometheus Job"), frame);
    m_copyScrape->setToolTip(tr("Copy a scrape_configs entry for prometheus.yml with this address and token."));
    connect(m_copyScrape, &QPushButton::clicked, this, [this] {
        const QUrl url = m_metrics ? m_metrics->serverUrl() : QUrl();
        const QString target = url.isValid() ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port())
                                             : QStringLiteral("127.0.0.1:%1").arg(m_serverPort->value());
        QGuiApplication::clipboard()->setText(QStringLiteral("  - job_name: roundtable\n"
                                                             "    authorization:\n"
                                                             "      credentials: %1\n"
                                                             "    static_configs:\n"
                                                             "      - targets: ['%2']\n")
                                                  .arg(m_serverToken->text(), target));
    });
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_serverStatus, 1);
    statusRow->addWidget(m_copyScrape, 0, Qt::AlignTop);

    // Remote viewers: what is shared, the link of this start (a new token
    // each time) with its QR code, the room, and TLS.
    m_shareDebates = new QCheckBox(tr("Show my &debates to viewers with the link (read-only)"), frame);
    m_shareDebates->setObjectName(QStringLiteral("shareDebatesCheck"));
    m_shareDebates->setToolTip(tr("Chats are shown only when you share one (the share button above a conversation)."));
    m_shareDebates->setChecked(rt::AppSettings::value(rt::AppSettings::ServerShareDebates).toBool());
    m_maxViewers = new QSpinBox(frame);
    m_maxViewers->setObjectName(QStringLiteral("maxViewersSpin"));
    m_maxViewers->setRange(1, 100000);
    m_maxViewers->setValue(rt::AppSettings::value(rt::AppSettings::ServerMaxViewers).toInt());
    m_maxViewers->setKeyboardTracking(false);
    m_maxViewers->setMaximumWidth(160);
    m_maxViewers->setAccessibleName(tr("Most viewers at once"));
    m_viewerLink = new QLineEdit(frame);
    m_viewerLink->setObjectName(QStringLiteral("viewerLinkEdit"));
    m_viewerLink->setReadOnly(true);
    m_viewerLink->setPlaceholderText(tr("Shown while the server runs"));
    m_viewerLink->setAccessibleName(tr("Viewer link"));
    m_copyViewerLink = new QPushButton(tr("Copy &Link"), frame);
    m_copyViewerLink->setObjectName(QStringLiteral("copyViewerLinkButton"));
    m_copyViewerLink->setToolTip(tr("Copy the viewer link; it changes each time the server starts."));
    connect(m_copyViewerLink, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_viewerLink->text()); });
    auto *openViewer = new QPushButton(tr("Op&en"), frame);
    openViewer->setToolTip(tr("Open the viewer page in your browser"));
    connect(openViewer, &QPushButton::clicked, this, [this] {
        if (!m_viewerLink->text().isEmpty())
            QDesktopServices::openUrl(QUrl(m_viewerLink->text()));
    });
    auto *linkRow = new QHBoxLayout;
    linkRow->addWidget(m_viewerLink, 1);
    linkRow->addWidget(m_copyViewerLink);
    linkRow->addWidget(openViewer);
    m_viewerQr = new QrCodeWidget(frame);
    m_viewerQr->setObjectName(QStringLiteral("viewerQr"));
    m_viewerQr->setFixedSize(150, 150);
    m_tlsCert = new QLineEdit(rt::AppSettings::value(rt::AppSettings::ServerCertificate).toString(), frame);
    m_tlsCert->setObjectName(QStringLiteral("tlsCertEdit"));
    m_tlsCert->setPlaceholderText(tr("PEM certificate file (optional: https and wss)"));
    m_tlsCert->setAccessibleName(tr("TLS certificate"));
    m_tlsKey = new QLineEdit(rt::AppSettings::value(rt::AppSettings::ServerKey).toString(), frame);
    m_tlsKey->setObjectName(QStringLiteral("tlsKeyEdit"));
    m_tlsKey->setPlaceholderText(tr("PEM private key file"));
    m_tlsKey->setAccessibleName(tr("TLS private key"));
    const auto browse = [this, frame](QLineEdit *edit, const QString &title) {
        auto *button = new QPushButton(tr("Browse…"), frame);
        connect(button, &QPushButton::clicked, this, [this, edit, title] {
            const QString file
                = QFileDialog::getOpenFileName(this, title, edit->text(), tr("PEM files (*.pem *.crt *.key);;All files (*)"));
            if (!file.isEmpty()) {
                edit->setText(file);
                emit edit->editingFinished();
            }
        });
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(button);
        return row;
    };

    auto *form = new QFormLayout;
    form->addRow(QString(), m_serverEnabled);
    form->addRow(tr("&Port:"), m_serverPort);
    form->addRow(tr("Listen &on:"), m_serverBind);
    auto *tokenLabel = new QLabel(tr("Metrics &token:"), frame);
    tokenLabel->setBuddy(m_serverToken); // a row holding a layout gets no buddy by itself
    form->addRow(tokenLabel, tokenRow);
    form->addRow(QString(), m_serverLoopback);
    form->addRow(QString(), m_shareDebates);
    auto *linkLabel = new QLabel(tr("&Viewer link:"), frame);
    linkLabel->setBuddy(m_viewerLink);
    form->addRow(linkLabel, linkRow);
    form->addRow(tr("&Most viewers:"), m_maxViewers);
    auto *certLabel = new QLabel(tr("TLS &certificate:"), frame);
    certLabel->setBuddy(m_tlsCert);
    form->addRow(certLabel, browse(m_tlsCert, tr("TLS Certificate")));
    auto *keyLabel = new QLabel(tr("TLS &key:"), frame);
    keyLabel->setBuddy(m_tlsKey);
    form->addRow(keyLabel, browse(m_tlsKey, tr("TLS Private Key")));
    auto *formRow = new QHBoxLayout;
    formRow->addLayout(form, 1);
    formRow->addWidget(m_viewerQr, 0, Qt::AlignTop);
    body->addLayout(formRow);
    body->addLayout(statusRow);

    connect(m_shareDebates, &QCheckBox::toggled, this, [this](bool on) {
        rt::AppSettings::setValue(rt::AppSettings::ServerShareDebates, on);
        applyServer();
    });
    connect(m_maxViewers, &QSpinBox::valueChanged, this, [this](int n) {
        rt::AppSettings::setValue(rt::AppSettings::ServerMaxViewers, n);
        applyServer();
    });
    for (auto [edit, key] :
        { std::pair { m_tlsCert, &rt::AppSettings::ServerCertificate }, std::pair { m_tlsKey, &rt::AppSettings::ServerKey } }) {
        connect(edit, &QLineEdit::editingFinished, this, [this, edit, key] {
            if (rt::AppSettings::value(*key).toString() == edit->text().trimmed())
                return;
            rt::AppSettings::setValue(*key, edit->text().trimmed());
            // Both or neither: a half-set pair waits for the other file.
            if (m_tlsCert->text().trimmed().isEmpty() == m_tlsKey->text().trimmed().isEmpty())
                applyServer();
        });
    }

    connect(m_serverEnabled, &QCheckBox::toggled, this, [this](bool on) {
        rt::AppSettings::setValue(rt::AppSettings::ServerEnabled, on);
        applyServer();
    });
    connect(m_serverPort, &QSpinBox::valueChanged, this, [this](int port) {
        rt::AppSettings::setValue(rt::AppSettings::ServerPort, port);
        applyServer();
    });
    connect(m_serverBind, &QComboBox::currentIndexChanged, this, [this](int index) {
        rt::AppSettings::setValue(rt::AppSettings::ServerBind, m_serverBind->itemData(index).toString());
        applyServer();
    });
    connect(m_serverLoopback, &QCheckBox::toggled, this, [this](bool on) {
        rt::AppSettings::setValue(rt::AppSettings::ServerLoopbackWithoutToken, on);
        applyServer();
    });
    showServerStatus(tr("Not running."), false);
    showViewerLink(QUrl());
    return frame;
}

void SettingsPage::setMetricsService(rt::server::MetricsService *service)
{
    m_metrics = service;
    applyMetricsSettings();
    applyServer();
}

QWidget *SettingsPage::buildMetrics()
{
    QVBoxLayout *body = nullptr;
    QFrame *frame = section(tr("Metrics and Health"),
        tr("When a host counts as degraded on the Metrics page and at /health, and how long the charts' history is kept."), this, &body);
    auto spin
        = [frame](const char *name, int low, int high, const rt::AppSettings::Key &key, const QString &suffix, const QString &accessible) {
              auto *box = new QSpinBox(frame);
              box->setObjectName(QLatin1String(name));
              box->setRange(low, high);
              box->setValue(qBound(low, rt::AppSettings::value(key).toInt(), high));
              box->setSuffix(suffix);
              box->setAccessibleName(accessible);
              box->setKeyboardTracking(false);
              box->setMaximumWidth(160);
              return box;
          };
    m_errorRate
        = spin("errorRateSpin", 1, 100, rt::AppSettings::HealthErrorRatePercent, tr(" %"), tr("Failed requests that make a host degraded"));
    m_slowFirstToken = spin("slowFirstTokenSpin", 1, 3600, rt::AppSettings::HealthSlowFirstTokenSec, tr(" s"),
        tr("First-token time that makes a host degraded"));
    m_healthWindow = spin("healthWindowSpin", 10, 3600, rt::AppSettings::HealthWindowSec, tr(" s"), tr("Time window for host health"));
    m_persistEvery = spin("persistSpin", 5, 3600, rt::AppSettings::MetricsPersistSec, tr(" s"), tr("How often samples are stored"));
    m_retention = spin("retentionSpin", 1, 3650, rt::AppSettings::MetricsRetentionDays, tr(" days"), tr("How long samples are kept"));
    auto *form = new QFormLayout;
    form->addRow(tr("Degraded when &failed requests exceed:"), m_errorRate);
    form->addRow(tr("…or first tokens (p95) take &longer than:"), m_slowFirstToken);
    form->addRow(tr("…within the last:"), m_healthWindow);
    form->addRow(tr("&Store chart samples every:"), m_persistEvery);
    form->addRow(tr("&Keep them for:"), m_retention);
    body->addLayout(form);
    body->addWidget(note(tr("A host that does not answer is down; one that comes back starts with a clean slate."), frame));
    const QList<QPair<QSpinBox *, const rt::AppSettings::Key *>> boxes { { m_errorRate, &rt::AppSettings::HealthErrorRatePercent },
        { m_slowFirstToken, &rt::AppSettings::HealthSlowFirstTokenSec }, { m_healthWindow, &rt::AppSettings::HealthWindowSec },
        { m_persistEvery, &rt::AppSettings::MetricsPersistSec }, { m_retention, &rt::AppSettings::MetricsRetentionDays } };
    for (const auto &[box, key] : boxes) {
        connect(box, &QSpinBox::valueChanged, this, [this, key = key](int value) {
            rt::AppSettings::setValue(*key, value);
            applyMetricsSettings();
        });
    }
    return frame;
}

void SettingsPage::applyMetricsSettings()
{
    if (!m_metrics)
        return;
    m_metrics->sampler()->setThresholds(rt::metrics::HealthThresholds::fromSettings());
    m_metrics->sampler()->setPersistence(rt::AppSettings::value(rt::AppSettings::MetricsPersistSec).toInt(),
        rt::AppSettings::value(rt::AppSettings::MetricsRetentionDays).toInt());
}

void SettingsPage::applyServer()
{
    if (!m_metrics) {
        showServerStatus(m_serverEnabled->isChecked() ? tr("Starting…") : tr("Not running."), false);
        return;
    }
    const quint64 generation = ++m_serverGeneration;
    m_metrics->stopServer();
    showViewerLink(QUrl());
    if (!m_serverEnabled->isChecked()) {
        showServerStatus(tr("Not running."), false);
        return;
    }
    showServerStatus(tr("Starting…"), false);
    rt::whenReady(m_metrics->startServer(rt::server::MetricsService::optionsFromSettings()), this,
        [this, generation](const rt::Result<QUrl> &result) {
            if (generation != m_serverGeneration)
                return; // a newer start (or a stop) came meanwhile
            if (!result) {
                showServerStatus(tr("✗ %1").arg(result.error().message), true);
                return;
            }
            const QString url = result->toString();
            const bool everywhere = m_serverBind->currentData().toString() != QLatin1String("127.0.0.1");
            showServerStatus(tr("● Serving on %1 — %1/metrics (Prometheus), %1/health and the viewer link.%2")
                                 .arg(url)
                                 .arg(everywhere ? tr(" Other machines reach it at this computer's address, with the token.")
                                                 : tr(" Only this computer can open the viewer link; choose all networks to share it.")),
                false);
            showViewerLink(m_metrics->viewerUrl());
        });
}

void SettingsPage::showViewerLink(const QUrl &url)
{
    m_viewerLink->setText(url.toString());
    m_viewerLink->setCursorPosition(0); // the host first; the token is the tail
    m_viewerQr->setText(url.toString());
    m_copyViewerLink->setEnabled(url.isValid());
}

void SettingsPage::showServerStatus(const QString &text, bool error)
{
    m_serverStatus->setText(text);
    Theme::style(m_serverStatus, error ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {MutedText};"));
}

void SettingsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateHosts(); // a host's address may have changed (demo)
    updateDatabaseNow();
}

void SettingsPage::setOverrides(const Overrides &overrides)
{
    m_overrides = overrides;
    m_themeOverride->setText(
        tr("This run uses --theme %1; the choice here is saved for the next start and applies now.").arg(overrides.theme));
    m_themeOverride->setVisible(!overrides.theme.isEmpty());
    updateHosts();
    updateDatabaseNow();
}

void SettingsPage::updateHosts()
{
    QStringList lines;
    for (const rt::llm::HostStatus &status : m_pool->statuses()) {
        QColor dot = Theme::Online;
        QString state = tr("online");
        if (status.state == rt::llm::HostState::Offline) {
            dot = Theme::Offline;
            state = tr("down");
        } else if (status.state == rt::llm::HostState::Probing) {
            dot = Theme::Pending;
            state = tr("checking");
        }
        if (!status.version.isEmpty())
            state += QStringLiteral(", Ollama %1").arg(status.version.toHtmlEscaped());
        lines << QStringLiteral("<span style='color:%1'>●</span> <b>%2</b> — %3 <span style='color:%4'>(%5)</span>")
                     .arg(Theme::css(dot), status.config.name.toHtmlEscaped(), status.config.url.toDisplayString().toHtmlEscaped(),
                         Theme::css(Theme::MutedText), state);
    }
    m_hosts->setText(lines.isEmpty() ? tr("No hosts.") : lines.join(QStringLiteral("<br>")));
    m_hostsOverride->setText(
        tr("This run uses only --ollama-host %1; the saved hosts apply when Roundtable starts without it.").arg(m_overrides.ollamaHost));
    m_hostsOverride->setVisible(!m_overrides.ollamaHost.isEmpty());
}

void SettingsPage::updateModels()
{
    const QString current = m_defaultModel->currentText();
    QStringList names;
    for (const rt::llm::ModelInfo &model : m_catalog->models()) {
        if (!names.contains(model.name))
            names << model.name;
    }
    const QSignalBlocker blocker(m_defaultModel);
    m_defaultModel->clear();
    m_defaultModel->addItems(names);
    m_defaultModel->setCurrentText(current);
}

void SettingsPage::updateDatabaseNow()
{
    QString state;
    switch (m_workspace->state()) {
    case Workspace::State::Opening:
        state = tr("opening…");
        break;
    case Workspace::State::Ready:
        state = tr("in use");
        break;
    case Workspace::State::Failed:
        state = tr("could not be opened: %1 — a temporary database stands in until restart").arg(m_workspace->error().message);
        break;
    }
    m_databaseNow->setText(tr("Now: %1 (%2)").arg(m_workspace->locationName(), state));
    Theme::style(m_databaseNow,
        m_workspace->state() == Workspace::State::Failed ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {Text};"));

    const QString environment = qEnvironmentVariable("ROUNDTABLE_DB");
    QString override;
    if (!m_overrides.database.isEmpty())
        override = tr("This run uses --db %1; the setting below applies when Roundtable starts without it.").arg(m_overrides.database);
    else if (!environment.isEmpty())
        override = tr("This run uses $ROUNDTABLE_DB (%1); the setting below applies when it is not set.").arg(environment);
    m_databaseOverride->setText(override);
    m_databaseOverride->setVisible(!override.isEmpty());

    const bool sqlite = m_workspace->state() == Workspace::State::Ready && m_workspace->isSqlite();
    m_backup->setEnabled(sqlite);
    m_backup->setToolTip(sqlite ? tr("Copy the database to a new file while Roundtable keeps running (SQLite VACUUM INTO).")
                                : tr("PostgreSQL databases are backed up with the server's tools (pg_dump)."));
}

void SettingsPage::showDatabaseResult(const QString &text, bool error)
{
    m_databaseResult->setText(text);
    Theme::style(m_databaseResult, error ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {Online};"));
    m_databaseResult->setVisible(!text.isEmpty());
}

void SettingsPage::testConnection()
{
    if (isTesting())
        return;
    const QString text = m_database->text().trimmed();
    const rt::Result<rt::storage::DatabaseLocation> location
        = rt::storage::parseDatabaseLocation(text.isEmpty() ? rt::storage::defaultSqlitePath() : text);
    if (!location) {
        m_tested.clear();
        showDatabaseResult(tr("✗ %1").arg(location.error().message), true);
        m_useDatabase->setEnabled(false);
        return;
    }
    m_test->setEnabled(false);
    m_test->setText(tr("Testing…"));
    showDatabaseResult(tr("Connecting to %1…").arg(location->displayName()), false);
    // Connecting may wait for a network timeout: on a thread of its own.
    auto promise = std::make_shared<QPromise<rt::Result<rt::storage::ConnectionCheck>>>();
    promise->start();
    m_testWatcher.setFuture(promise->future());
    QThread *worker = QThread::create([promise, where = *location] {
        promise->addResult(rt::storage::checkConnection(where));
        promise->finish();
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void SettingsPage::useDatabase()
{
    const QString text = m_database->text().trimmed();
    if (!text.isEmpty() && text != m_tested)
        return;
    rt::AppSettings::setValue(rt::AppSettings::Database, text);
    const QString where = text.isEmpty() ? rt::storage::defaultSqlitePath() : text;
    const rt::Result<rt::storage::DatabaseLocation> location = rt::storage::parseDatabaseLocation(where);
    showDatabaseResult(tr("Saved. Roundtable opens %1 from the next start.").arg(location ? location->displayName() : where), false);
    m_restart->setVisible(true);
}

void SettingsPage::backupNow()
{
    const QString suggested = QDir::home().filePath(
        QStringLiteral("roundtable-backup-%1.sqlite").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))));
    const QString file = m_saveFileHook
        ? m_saveFileHook(suggested)
        : QFileDialog::getSaveFileName(this, tr("Back Up the Database"), suggested, tr("SQLite databases (*.sqlite *.db);;All files (*)"));
    if (file.isEmpty())
        return;
    m_backup->setEnabled(false);
    m_backupResult->setText(tr("Backing up…"));
    rt::whenReady(m_workspace->storage()->backupTo(file), this, [this, file](const rt::Status &status) {
        m_backup->setEnabled(true);
        m_backupResult->setText(status ? tr("✓ Saved to %1").arg(QDir::toNativeSeparators(file)) : tr("✗ %1").arg(status.error().message));
        Theme::style(m_backupResult, status ? QStringLiteral("color: {Online};") : QStringLiteral("color: {ErrorText};"));
    });
}

} // namespace rt::ui

#include "modelspage.h"

#include "common/appsettings.h"
#include "common/logging.h"
#include "icons.h"
#include "llm/endpointpool.h"
#include "llm/modelname.h"
#include "llm/ollamaclient.h"
#include "llm/ollamahost.h"
#include "modellistmodel.h"
#include "pulldialog.h"
#include "theme.h"
#include "workspace.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>
#include <memory>

namespace rt::ui {

namespace {

QTableView *makeTable(QAbstractItemModel *model, const QString &name, const QString &accessible, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setAccessibleName(accessible);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setShowGrid(false);
    view->setAlternatingRowColors(false);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(30);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    Theme::style(view,
        QStringLiteral("QTableView { border: 1px solid {Border}; border-radius: 8px; background: {Surface}; }"
                       "QHeaderView::section { background: {Surface}; color: {MutedText}; border: none; border-bottom: 1px solid {Border};"
                       " padding: 4px 6px; }"));
    return view;
}

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

// A small form for one host: name, URL, request limit. Applying may fail
// (a taken name, a bad URL): the reason shows in the form, which stays open.
class HostEditor final : public QDialog {
public:
    HostEditor(const std::optional<rt::llm::HostConfig> &existing, bool nameFixed,
        std::function<rt::Status(const rt::llm::HostConfig &)> apply, QWidget *parent)
        : QDialog(parent)
        , m_apply(std::move(apply))
    {
        setObjectName(QStringLiteral("hostEditor"));
        setWindowTitle(existing ? ModelsPage::tr("Edit Host") : ModelsPage::tr("Add Host"));
        m_name = new QLineEdit(existing ? existing->name : QString(), this);
        m_name->setObjectName(QStringLiteral("hostNameEdit"));
        m_name->setPlaceholderText(ModelsPage::tr("gpu-box"));
        m_name->setEnabled(!nameFixed);
        m_url = new QLineEdit(existing ? rt::llm::displayHost(existing->url) : QString(), this);
        m_url->setObjectName(QStringLiteral("hostUrlEdit"));
        m_url->setPlaceholderText(QStringLiteral("http://10.0.0.5:11434"));
        m_limit = new QSpinBox(this);
        m_limit->setObjectName(QStringLiteral("hostLimitEdit"));
        m_limit->setRange(1, rt::llm::HostConfig::MaxConcurrentLimit);
        m_limit->setValue(existing ? existing->maxConcurrent : rt::AppSettings::value(rt::AppSettings::MaxConcurrentPerHost).toInt());
        m_error = new QLabel(this);
        m_error->setWordWrap(true);
        Theme::style(m_error, QStringLiteral("color: {ErrorText};"));
        m_error->hide();
        auto *form = new QFormLayout;
        form->addRow(ModelsPage::tr("&Name"), m_name);
        form->addRow(ModelsPage::tr("&URL"), m_url);
        form->addRow(ModelsPage::tr("&Requests at once"), m_limit);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        buttons->button(QDialogButtonBox::Ok)->setText(existing ? ModelsPage::tr("Save") : ModelsPage::tr("Add"));
        buttons->button(QDialogButtonBox::Ok)->setProperty("primary", true);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(form);
        layout->addWidget(m_error);
        layout->addWidget(buttons);
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        setMinimumWidth(420);
    }

    void accept() override
    {
        static const QRegularExpression validName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"));
        const QString name = m_name->text().trimmed();
        if (!validName.match(name).hasMatch())
            return fail(ModelsPage::tr("Use letters, digits, '.', '_' or '-' for the name (up to 40), starting with a letter or digit."));
        const auto url = rt::llm::parseOllamaHostStrict(m_url->text().trimmed());
        if (!url)
            return fail(ModelsPage::tr("“%1” is not a valid Ollama host: %2").arg(m_url->text().trimmed(), url.error().message));
        rt::llm::HostConfig config;
        config.name = name;
        config.url = *url;
        config.maxConcurrent = m_limit->value();
        if (const rt::Status applied = m_apply(config); !applied)
            return fail(applied.error().message);
        QDialog::accept();
    }

private:
    void fail(const QString &message)
    {
        m_error->setText(message);
        m_error->show();
    }

    std::function<rt::Status(const rt::llm::HostConfig &)> m_apply;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QSpinBox *m_limit;
    QLabel *m_error;
};

} // namespace

ModelsPage::ModelsPage(rt::llm::EndpointPool *pool, rt::llm::ModelCatalog *catalog, Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_catalog(catalog)
    , m_workspace(workspace)
    , m_hostModel(new HostListModel(this))
    , m_modelModel(new ModelListModel(this))
{
    setObjectName(QStringLiteral("modelsPage"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Theme::ChatBackground);
    setPalette(pal);

    auto *title = new QLabel(tr("Models"), this);
    title->setFont(Theme::scaledFont(font(), 1.5, true));
    auto *refresh = new QPushButton(Icons::refresh(Theme::Text), tr("Refresh"), this);
    refresh->setObjectName(QStringLiteral("refreshModelsPageButton"));
    refresh->setToolTip(tr("Ask every host again: state, latency, models and what is loaded"));
    auto *pullButton = new QPushButton(tr("Pull a Model…"), this);
    pullButton->setObjectName(QStringLiteral("openPullButton"));
    pullButton->setProperty("primary", true);
    pullButton->setToolTip(tr("Download a model to a host"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(refresh);
    header->addWidget(pullButton);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("modelsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("modelsTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildModelsTab(), tr("Models"));
    m_tabs->addTab(buildHostsTab(), tr("Hosts"));

    auto *main = new QVBoxLayout;
    main->setContentsMargins(24, 20, 24, 16);
    main->setSpacing(10);
    main->addLayout(header);
    main->addWidget(m_status);
    main->addWidget(m_tabs, 1);

    m_pull = new PullDialog(pool, catalog, workspace, this);
    m_pull->hide();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(main, 1);
    layout->addWidget(m_pull);

    connect(refresh, &QPushButton::clicked, this, &ModelsPage::refresh);
    connect(pullButton, &QPushButton::clicked, this, [this] { openPull(); });
    connect(m_pull, &PullDialog::closeRequested, this, &ModelsPage::closePull);

    connect(m_pool, &rt::llm::EndpointPool::hostAdded, this, [this](const QString &host) {
        rebuildHostFilter();
        rebuildHosts();
        if (isVisible())
            checkHost(host);
    });
    connect(m_pool, &rt::llm::EndpointPool::hostRemoved, this, [this](const QString &host) {
        m_probes.remove(host);
        rebuildHostFilter();
        rebuildHosts();
        rebuildModels();
    });
    connect(m_pool, &rt::llm::EndpointPool::hostStateChanged, this, [this](const QString &host, rt::llm::HostState state) {
        if (state == rt::llm::HostState::Online && m_probes.value(host).failed && isVisible())
            checkHost(host); // back: measure it again rather than keep saying down
        rebuildHosts();
    });
    connect(m_pool, &rt::llm::EndpointPool::slotsChanged, this, &ModelsPage::rebuildHosts);
    connect(m_pool, &rt::llm::EndpointPool::hostModelsChanged, this, &ModelsPage::rebuildHosts);
    connect(m_catalog, &rt::llm::ModelCatalog::modelsChanged, this, [this] {
        rebuildModels();
        rebuildHosts();
    });
    connect(m_catalog, &rt::llm::ModelCatalog::pullFinished, this, [this](const QString &host, const rt::llm::PullResult &result) {
        if (result.ok() && isVisible())
            checkHost(host);
    });

    connect(&m_checkTimer, &QTimer::timeout, this, [this] {
        m_checkTimer.setInterval(checkIntervalMs());
        for (const QString &host : m_pool->hostNames())
            checkHost(host);
    });

    rebuildHostFilter();
    rebuildHosts();
    rebuildModels();
}

ModelsPage::~ModelsPage() = default;

QWidget *ModelsPage::buildModelsTab()
{
    auto *tab = new QWidget;
    tab->setObjectName(QStringLiteral("modelsTab"));
    m_hostFilter = new QComboBox(tab);
    m_hostFilter->setObjectName(QStringLiteral("modelsHostFilter"));
    m_hostFilter->setAccessibleName(tr("Show the models of"));
    auto *filterLabel = new QLabel(tr("Host"), tab);
    m_hostFilterLabel = filterLabel;
    filterLabel->setBuddy(m_hostFilter);
    Theme::style(filterLabel, QStringLiteral("color: {MutedText};"));
    auto *hint = new QLabel(tr("Loaded models stay in memory until their keep-alive ends; the first request loads a model."), tab);
    Theme::style(hint, QStringLiteral("color: {MutedText};"));
    hint->setFont(Theme::scaledFont(font(), 0.88));
    auto *bar = new QHBoxLayout;
    bar->addWidget(filterLabel);
    bar->addWidget(m_hostFilter);
    bar->addWidget(hint, 1);

    m_modelView = makeTable(m_modelModel, QStringLiteral("modelList"), tr("Models"), tab);
    QHeaderView *h = m_modelView->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::ResizeToContents);
    h->setStretchLastSection(true);
    m_emptyModels = new QLabel(tab);
    m_emptyModels->setObjectName(QStringLiteral("modelsEmpty"));
    m_emptyModels->setAlignment(Qt::AlignCenter);
    m_emptyModels->setWordWrap(true);
    Theme::style(m_emptyModels, QStringLiteral("color: {MutedText};"));
    m_emptyModels->hide();

    auto *detailsPane = new QFrame(tab);
    detailsPane->setObjectName(QStringLiteral("modelDetailsPane"));
    Theme::style(
        detailsPane, QStringLiteral("QFrame#modelDetailsPane { background: {Surface}; border: 1px solid {Border}; border-radius: 8px; }"));
    m_details = new QTextBrowser(detailsPane);
    m_details->setObjectName(QStringLiteral("modelDetails"));
    m_details->setAccessibleName(tr("Model details"));
    m_details->setFrameShape(QFrame::NoFrame);
    m_details->setOpenLinks(false);
    m_details->setStyleSheet(QStringLiteral("QTextBrowser { background: transparent; }"));
    m_details->setHtml(tr("<p style='color:%1'>Pick a model to see its details.</p>").arg(Theme::css(Theme::MutedText)));
    m_delete = new QPushButton(tr("Delete…"), detailsPane);
    m_delete->setObjectName(QStringLiteral("deleteModelButton"));
    m_delete->setProperty("danger", true);
    m_delete->setToolTip(tr("Remove the model from its host (asks first)"));
    m_delete->setEnabled(false);
    auto *paneButtons = new QHBoxLayout;
    paneButtons->addStretch(1);
    paneButtons->addWidget(m_delete);
    auto *paneLayout = new QVBoxLayout(detailsPane);
    paneLayout->setContentsMargins(12, 10, 12, 10);
    paneLayout->addWidget(m_details, 1);
    paneLayout->addLayout(paneButtons);

    auto *listColumn = new QWidget(tab);
    auto *listLayout = new QVBoxLayout(listColumn);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_modelView, 1);
    listLayout->addWidget(m_emptyModels, 1);
    // The list gets the full width (nine columns); the details go under it.
    auto *split = new QSplitter(Qt::Vertical, tab);
    m_split = split;
    split->setChildrenCollapsible(false);
    split->addWidget(listColumn);
    split->addWidget(detailsPane);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({ 260, 340 });
    listColumn->setMinimumHeight(120);
    detailsPane->setMinimumHeight(140);

    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 10, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_hostFilter, &QComboBox::currentIndexChanged, this, &ModelsPage::rebuildModels);
    connect(m_modelView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ModelsPage::onModelSelected);
    connect(m_delete, &QPushButton::clicked, this, &ModelsPage::deleteSelectedModel);
    return tab;
}

QWidget *ModelsPage::buildHostsTab()
{
    auto *tab = new QWidget;
    tab->setObjectName(QStringLiteral("hostsTab"));
    auto *intro = new QLabel(tr("Requests go to a host that has the model, the least busy first. A host that stops answering is "
                                "taken out of rotation at once and tried again after a pause. These are the hosts of "
                                "<code>roundtable hosts</code>, saved in the same settings."),
        tab);
    intro->setWordWrap(true);
    Theme::style(intro, QStringLiteral("color: {MutedText};"));
    m_hostView = makeTable(m_hostModel, QStringLiteral("hostList"), tr("Hosts"), tab);
    QHeaderView *h = m_hostView->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::ResizeToContents);
    h->setSectionResizeMode(HostListModel::Url, QHeaderView::Stretch);
    m_hostView->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_hostProblems = new QLabel(tab);
    m_hostProblems->setObjectName(QStringLiteral("hostProblems"));
    m_hostProblems->setWordWrap(true);
    m_hostProblems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hostProblems->hide();

    auto *add = new QPushButton(tr("Add Host…"), tab);
    add->setObjectName(QStringLiteral("addHostButton"));
    m_editHost = new QPushButton(tr("Edit…"), tab);
    m_editHost->setObjectName(QStringLiteral("editHostButton"));
    m_removeHost = new QPushButton(tr("Remove"), tab);
    m_removeHost->setObjectName(QStringLiteral("removeHostButton"));
    m_removeHost->setProperty("danger", true);
    auto *check = new QPushButton(tr("Check Now"), tab);
    check->setObjectName(QStringLiteral("checkHostsButton"));
    check->setToolTip(tr("Probe every host now, the offline ones too"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(m_editHost);
    buttons->addWidget(m_removeHost);
    buttons->addStretch(1);
    buttons->addWidget(check);

    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 10, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(intro);
    layout->addWidget(m_hostView);
    layout->addLayout(buttons);
    layout->addWidget(m_hostProblems);
    layout->addStretch(1);

    connect(add, &QPushButton::clicked, this, &ModelsPage::addHostInteractively);
    connect(m_editHost, &QPushButton::clicked, this, &ModelsPage::editSelectedHost);
    connect(m_removeHost, &QPushButton::clicked, this, &ModelsPage::removeSelectedHost);
    connect(m_hostView, &QTableView::doubleClicked, this, &ModelsPage::editSelectedHost);
    connect(check, &QPushButton::clicked, this, [this] {
        m_pool->probeNow();
        refresh();
    });
    auto updateButtons = [this] {
        const QString host = selectedHost();
        m_editHost->setEnabled(!host.isEmpty());
        m_removeHost->setEnabled(!host.isEmpty() && host != m_pool->defaultHost());
        m_removeHost->setToolTip(host == m_pool->defaultHost() && !host.isEmpty()
                ? tr("The first host is the window's own connection; change its URL with Edit")
                : tr("Remove the host from the settings"));
    };
    connect(m_hostView->selectionModel(), &QItemSelectionModel::selectionChanged, this, updateButtons);
    connect(m_hostModel, &QAbstractItemModel::modelReset, this, updateButtons);
    updateButtons();
    return tab;
}

int ModelsPage::checkIntervalMs() const
{
    const int interval = m_pool->options().healthIntervalMs;
    return interval > 0 ? interval : 15'000;
}

void ModelsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_checkTimer.start(checkIntervalMs());
}

void ModelsPage::hideEvent(QHideEvent *event)
{
    m_checkTimer.stop();
    QWidget::hideEvent(event);
}

bool ModelsPage::isLoaded() const
{
    bool anyUp = false;
    for (const QString &host : m_pool->hostNames()) {
        const Probe p = m_probes.value(host);
        if (!p.probed)
            return false;
        anyUp = anyUp || !p.failed;
        if (!p.failed && !m_catalog->isFresh(host))
            return false;
    }
    return !anyUp || m_catalog->hasAnyList();
}

void ModelsPage::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(tab == Tab::Models ? 0 : 1);
}

ModelsPage::Tab ModelsPage::currentTab() const
{
    return m_tabs->currentIndex() == 1 ? Tab::Hosts : Tab::Models;
}

bool ModelsPage::isPullOpen() const
{
    return m_pull->isVisible();
}

void ModelsPage::openPull(const QString &model, const QString &host)
{
    m_pull->refreshHosts();
    m_pull->show();
    m_pull->prefill(model, host);
}

void ModelsPage::closePull()
{
    m_pull->hide();
}

void ModelsPage::refresh()
{
    for (const QString &host : m_pool->hostNames())
        checkHost(host);
}

// One probe of a host: /api/version, timed; then its models (when not known
// from this session) and /api/ps. The outcome feeds the pool's breaker.
void ModelsPage::checkHost(const QString &host)
{
    rt::llm::OllamaClient *client = m_pool->controlClient(host);
    if (!client)
        return;
    const quint64 seq = ++m_probeSeq[host];
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    client->fetchVersion(this, [this, host, seq, clock](const rt::Result<QString> &version) {
        if (!m_pool->hasHost(host) || m_probeSeq.value(host) != seq)
            return;
        Probe &p = m_probes[host];
        p.probed = true;
        if (version) {
            p.failed = false;
            p.error.clear();
            p.latencyMs = clock->elapsed();
            p.version = *version;
            m_pool->reportSuccess(host);
            if (!m_pool->isAvailable(host))
                m_pool->probeNow(host); // the breaker is open but it answers: let the pool see it
            if (!m_catalog->isFresh(host))
                m_catalog->refresh(host);
            m_catalog->running(host, this, [this, host](const rt::Result<QList<rt::llm::RunningModel>> &running) {
                if (!m_probes.contains(host))
                    return;
                Probe &q = m_probes[host];
                q.runningKnown = running.ok();
                q.running = running.ok() ? *running : QList<rt::llm::RunningModel> {};
                rebuildHosts();
                rebuildModels();
            });
        } else {
            p.failed = true;
            p.error = version.error().message;
            p.runningKnown = false;
            p.running.clear();
            m_pool->reportFailure(host, version.error());
            qCDebug(lcUi).noquote() << "host" << host << "did not answer:" << p.error;
        }
        rebuildHosts();
        rebuildModels();
    });
}

void ModelsPage::rebuildHosts()
{
    QList<HostListModel::Row> rows;
    for (const rt::llm::HostStatus &status : m_pool->statuses()) {
        HostListModel::Row row;
        row.status = status;
        const Probe p = m_probes.value(status.config.name);
        row.probed = p.probed;
        row.probeFailed = p.failed;
        row.probeError = p.error;
        row.latencyMs = p.latencyMs;
        row.version = p.version;
        const QList<rt::llm::ModelInfo> models = m_catalog->models(status.config.name);
        row.models = models.isEmpty() && !m_catalog->isFresh(status.config.name) && !status.modelsKnown ? -1 : int(models.size());
        row.loaded = p.runningKnown ? int(p.running.size()) : -1;
        rows.append(row);
    }
    const QString selected = selectedHost();
    m_hostModel->setRows(rows);
    // The table as tall as its hosts (up to ten), what went wrong under it.
    const int shown = qBound(1, int(rows.size()), 10);
    m_hostView->setFixedHeight(
        m_hostView->horizontalHeader()->sizeHint().height() + shown * m_hostView->verticalHeader()->defaultSectionSize() + 4);
    QStringList problems;
    for (const HostListModel::Row &row : std::as_const(rows)) {
        const HostListModel::HostState state = HostListModel::state(row);
        if (state != HostListModel::HostState::Down && state != HostListModel::HostState::BreakerOpen)
            continue;
        const QString error = row.probeFailed ? row.probeError : row.status.lastError;
        problems << tr("<b>%1</b> — %2: %3").arg(esc(row.status.config.name), esc(HostListModel::stateText(row)), esc(error));
    }
    m_hostProblems->setText(problems.join(QStringLiteral("<br>")));
    Theme::style(m_hostProblems,
        QStringLiteral("QLabel { color: {ErrorText}; background: {ErrorBackground}; border: 1px solid {ErrorBorder}; border-radius: 8px; "
                       "padding: 8px 10px; }"));
    m_hostProblems->setVisible(!problems.isEmpty());
    if (!selected.isEmpty() && !m_hostView->selectionModel()->hasSelection()) {
        if (const int r = m_hostModel->rowOf(selected); r >= 0)
            m_hostView->selectRow(r);
    }
    emit hostsChanged();
}

void ModelsPage::rebuildHostFilter()
{
    const QString current = m_hostFilter->currentData().toString();
    const QSignalBlocker block(m_hostFilter);
    m_hostFilter->clear();
    m_hostFilter->addItem(tr("All hosts"), QString());
    for (const QString &host : m_pool->hostNames())
        m_hostFilter->addItem(host, host);
    m_hostFilter->setCurrentIndex(qMax(0, m_hostFilter->findData(current)));
    const bool many = m_pool->hostNames().size() > 1;
    m_hostFilter->setVisible(many);
    m_hostFilterLabel->setVisible(many);
    m_modelView->setColumnHidden(ModelListModel::Host, !many);
}

void ModelsPage::rebuildModels()
{
    const QString filter = m_hostFilter->currentData().toString();
    QList<ModelListModel::Row> rows;
    for (const QString &host : m_pool->hostNames()) {
        if (!filter.isEmpty() && host != filter)
            continue;
        const QList<rt::llm::RunningModel> running = m_probes.value(host).running;
        for (const rt::llm::ModelInfo &info : m_catalog->models(host)) {
            ModelListModel::Row row { host, info, std::nullopt };
            for (const rt::llm::RunningModel &r : running) {
                if (rt::llm::sameModel(r.name, info.name))
                    row.running = r;
            }
            rows.append(row);
        }
    }
    // Keep the selection across the reset.
    const QModelIndex current = m_modelView->currentIndex();
    const QString name = current.isValid() ? current.data(ModelListModel::ModelNameRole).toString() : QString();
    const QString host = current.isValid() ? current.data(ModelListModel::HostRole).toString() : QString();
    m_rebuilding = true;
    m_modelModel->setRows(rows);
    if (!name.isEmpty()) {
        if (const int r = m_modelModel->rowOf(name, host); r >= 0)
            m_modelView->selectRow(r);
    }
    m_rebuilding = false;
    if (!name.isEmpty() && m_modelModel->rowOf(name, host) < 0 && m_detailsName == name && m_detailsHost == host) {
        // The shown model is gone (deleted here or elsewhere).
        m_detailsName.clear();
        m_detailsHost.clear();
        m_detailsLoaded = false;
        m_delete->setEnabled(false);
        m_details->setHtml(tr("<p style='color:%1'>Pick a model to see its details.</p>").arg(Theme::css(Theme::MutedText)));
    }

    bool anyUp = false;
    for (const QString &h : m_pool->hostNames())
        anyUp = anyUp || m_pool->isAvailable(h);
    if (!rows.isEmpty()) {
        m_emptyModels->hide();
        m_modelView->show();
    } else {
        m_modelView->hide();
        m_emptyModels->setText(anyUp || !m_catalog->hasAnyList()
                ? tr("<p><b>No models here yet.</b></p><p>Pull one to start: <a href='pull'>Pull a Model…</a></p>")
                : tr("<p><b>No host is answering.</b></p><p>The Hosts tab says what went wrong with each.</p>"));
        m_emptyModels->setTextFormat(Qt::RichText);
        m_emptyModels->show();
        if (!m_emptyModels->property("linked").toBool()) {
            m_emptyModels->setProperty("linked", true);
            connect(m_emptyModels, &QLabel::linkActivated, this, [this] { openPull(); });
        }
    }
    emit modelsListed();
}

QString ModelsPage::selectedHost() const
{
    const QModelIndex index = m_hostView->selectionModel()->currentIndex();
    if (!index.isValid() || !m_hostView->selectionModel()->isRowSelected(index.row(), {}))
        return {};
    return index.data(HostListModel::HostNameRole).toString();
}

bool ModelsPage::selectModel(const QString &name, const QString &host)
{
    int row = m_modelModel->rowOf(name, host);
    if (row < 0 && !m_hostFilter->currentData().toString().isEmpty()) {
        m_hostFilter->setCurrentIndex(0);
        row = m_modelModel->rowOf(name, host);
    }
    if (row < 0)
        return false;
    showTab(Tab::Models);
    m_modelView->setCurrentIndex(m_modelModel->index(row, 0));
    m_modelView->selectRow(row);
    return true;
}

bool ModelsPage::selectFirstModel()
{
    if (m_modelModel->rowCount() == 0)
        return false;
    const ModelListModel::Row *row = m_modelModel->row(0);
    return selectModel(row->info.name, row->host);
}

void ModelsPage::onModelSelected()
{
    if (m_rebuilding)
        return;
    const QModelIndex current = m_modelView->currentIndex();
    const ModelListModel::Row *row = m_modelModel->row(current.row());
    if (!row)
        return;
    if (row->info.name == m_detailsName && row->host == m_detailsHost && m_detailsLoaded)
        return;
    m_detailsName = row->info.name;
    m_detailsHost = row->host;
    m_detailsLoaded = false;
    m_delete->setEnabled(true);
    m_details->setHtml(tr("<h3>%1</h3><p style='color:%2'>Loading details…</p>").arg(esc(row->info.name), Theme::css(Theme::MutedText)));
    const quint64 request = ++m_detailsRequest;
    m_catalog->show(row->info.name, row->host, this, [this, request](const rt::Result<rt::llm::ModelDetails> &details) {
        if (request != m_detailsRequest)
            return;
        if (details)
            showDetails(*details);
        else
            showDetailsError(details.error().message);
    });
}

void ModelsPage::showDetails(const rt::llm::ModelDetails &details)
{
    const rt::llm::ModelInfo &m = details.info;
    const QString muted = Theme::css(Theme::MutedText);
    QString html = QStringLiteral("<h3 style='margin-bottom:2px'>%1</h3>").arg(esc(m.name));
    html += QStringLiteral("<p style='color:%1; margin-top:0'>%2</p>").arg(muted, esc(tr("on %1").arg(m_detailsHost)));
    auto line = [&](const QString &label, const QString &value) {
        if (!value.isEmpty())
            html += QStringLiteral("<tr><td style='color:%1; padding-right:12px'>%2</td><td>%3</td></tr>")
                        .arg(muted, esc(label), esc(value));
    };
    html += QStringLiteral("<table cellspacing='2'>");
    line(tr("Family"), m.family);
    line(tr("Parameters"), m.parameterSize);
    line(tr("Quantisation"), m.quantization);
    line(tr("Format"), m.format);
    line(tr("Size"), m.sizeBytes > 0 ? rt::llm::formatBytes(m.sizeBytes) : QString());
    line(tr("Context length"), m.contextLength > 0 ? tr("%1 tokens").arg(QLocale().toString(m.contextLength)) : QString());
    line(tr("Capabilities"), ModelListModel::capabilitiesText(m).isEmpty() ? tr("completion") : ModelListModel::capabilitiesText(m));
    QString loaded = tr("No");
    for (const rt::llm::RunningModel &r : m_probes.value(m_detailsHost).running) {
        if (rt::llm::sameModel(r.name, m.name)) {
            loaded = ModelListModel::loadedText(r);
            if (r.contextLength > 0)
                loaded = tr("%1, context %2").arg(loaded, QLocale().toString(r.contextLength));
        }
    }
    line(tr("Loaded now"), loaded);
    line(tr("Modified"), m.modifiedAt.isValid() ? QLocale().toString(m.modifiedAt.toLocalTime(), QLocale::ShortFormat) : QString());
    line(tr("Digest"), m.digest.left(19));
    html += QStringLiteral("</table>");
    const QString code = QStringLiteral("<pre style='background:%1; padding:6px; white-space:pre-wrap'>%2</pre>");
    if (!details.parameters.trimmed().isEmpty())
        html += QStringLiteral("<h4>%1</h4>").arg(esc(tr("Parameters")))
            + code.arg(Theme::css(Theme::CodeBackground), esc(details.parameters.trimmed()));
    if (!details.systemPrompt.trimmed().isEmpty())
        html += QStringLiteral("<h4>%1</h4>").arg(esc(tr("System prompt")))
            + code.arg(Theme::css(Theme::CodeBackground), esc(details.systemPrompt.trimmed()));
    if (!details.templateText.trimmed().isEmpty())
        html += QStringLiteral("<h4>%1</h4>").arg(esc(tr("Template")))
            + code.arg(Theme::css(Theme::CodeBackground), esc(details.templateText.trimmed().left(1200)));
    if (!details.license.trimmed().isEmpty())
        html += QStringLiteral("<h4>%1</h4><p style='color:%2'>%3</p>")
                    .arg(esc(tr("License")), muted, esc(details.license.trimmed().left(400)));
    m_details->setHtml(html);
    m_detailsLoaded = true;
}

void ModelsPage::showDetailsError(const QString &message)
{
    m_details->setHtml(tr("<h3>%1</h3><p style='color:%2'>The details did not load: %3</p>")
                           .arg(esc(m_detailsName), Theme::css(Theme::ErrorText), esc(message)));
}

void ModelsPage::confirm(const QString &title, const QString &question, const QString &action, std::function<void()> yes)
{
    if (m_confirmAnswer) {
        if (m_confirmAnswer(question))
            yes();
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, title, question, QMessageBox::Cancel, this);
    QPushButton *ok = box->addButton(action, QMessageBox::DestructiveRole);
    ok->setProperty("danger", true);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [ok, yes = std::move(yes)](QAbstractButton *button) {
        if (button == ok)
            yes();
    });
    box->open(); // window-modal, no nested event loop
}

void ModelsPage::deleteSelectedModel()
{
    const ModelListModel::Row *row = m_modelModel->row(m_modelView->currentIndex().row());
    if (!row)
        return;
    const QString name = row->info.name;
    const QString host = row->host;
    const QString question = tr("Delete %1 from %2? It frees %3; pulling it again downloads it again.")
                                 .arg(name, host, rt::llm::formatBytes(row->info.sizeBytes));
    confirm(tr("Delete Model"), question, tr("Delete"), [this, name, host] {
        m_delete->setEnabled(false);
        m_catalog->remove(name, host, this, [this, name, host](const rt::Result<bool> &removed) {
            if (removed)
                setStatus(tr("Deleted %1 from %2.").arg(name, host), false);
            else
                setStatus(tr("%1 could not be deleted from %2: %3").arg(name, host, removed.error().message), true);
            m_delete->setEnabled(m_detailsLoaded);
        });
    });
}

void ModelsPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    Theme::style(m_status, error ? QStringLiteral("color: {ErrorText};") : QStringLiteral("color: {MutedText};"));
    m_status->setVisible(!text.isEmpty());
}

QString ModelsPage::statusMessage() const
{
    return m_status->isVisible() ? m_status->text() : QString();
}

void ModelsPage::saveHosts() const
{
    QList<rt::llm::HostConfig> hosts;
    for (const QString &name : m_pool->hostNames()) {
        if (const std::optional<rt::llm::HostConfig> config = m_pool->hostConfig(name))
            hosts.append(*config);
    }
    rt::llm::HostConfig::saveToSettings(hosts);
}

rt::Status ModelsPage::addHost(const rt::llm::HostConfig &host)
{
    for (const QString &name : m_pool->hostNames()) {
        if (name.compare(host.name, Qt::CaseInsensitive) == 0)
            return rt::Error { QStringLiteral("exists"), tr("A host named “%1” already exists.").arg(name) };
    }
    if (rt::Status added = m_pool->addHost(host); !added)
        return added;
    saveHosts();
    setStatus(tr("Added host %1 (%2).").arg(host.name, rt::llm::displayHost(host.url)), false);
    checkHost(host.name); // state, version and latency at once, shown or not
    return {};
}

rt::Status ModelsPage::updateHost(const QString &name, const rt::llm::HostConfig &host)
{
    if (!m_pool->hasHost(name))
        return rt::Error { QStringLiteral("not_found"), tr("There is no host named “%1”.").arg(name) };
    if (host.name != name) {
        if (name == m_pool->defaultHost())
            return rt::Error { QStringLiteral("primary"), tr("The first host is the window's own connection and keeps its name.") };
        for (const QString &other : m_pool->hostNames()) {
            if (other != name && other.compare(host.name, Qt::CaseInsensitive) == 0)
                return rt::Error { QStringLiteral("exists"), tr("A host named “%1” already exists.").arg(other) };
        }
        if (rt::Status removed = m_pool->removeHost(name); !removed)
            return removed;
        if (rt::Status added = m_pool->addHost(host); !added)
            return added;
    } else if (rt::Status updated = m_pool->updateHost(host); !updated) {
        return updated;
    }
    m_probes.remove(name);
    saveHosts();
    rebuildHosts();
    setStatus(tr("Saved host %1 (%2).").arg(host.name, rt::llm::displayHost(host.url)), false);
    checkHost(host.name);
    return {};
}

rt::Status ModelsPage::removeHost(const QString &name)
{
    if (name == m_pool->defaultHost())
        return rt::Error { QStringLiteral("primary"), tr("The first host is the window's own connection; change its URL instead.") };
    if (rt::Status removed = m_pool->removeHost(name); !removed)
        return removed;
    saveHosts();
    setStatus(tr("Removed host %1.").arg(name), false);
    return {};
}

void ModelsPage::openHostEditor(const std::optional<rt::llm::HostConfig> &existing)
{
    const QString oldName = existing ? existing->name : QString();
    const bool nameFixed = existing && oldName == m_pool->defaultHost();
    auto *editor = new HostEditor(
        existing, nameFixed,
        [this, oldName](const rt::llm::HostConfig &config) { return oldName.isEmpty() ? addHost(config) : updateHost(oldName, config); },
        this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    editor->open();
}

void ModelsPage::addHostInteractively()
{
    openHostEditor(std::nullopt);
}

void ModelsPage::editSelectedHost()
{
    const QString host = selectedHost();
    if (const std::optional<rt::llm::HostConfig> config = m_pool->hostConfig(host))
        openHostEditor(config);
}

void ModelsPage::removeSelectedHost()
{
    const QString host = selectedHost();
    if (host.isEmpty())
        return;
    confirm(tr("Remove Host"), tr("Remove the host %1 from Roundtable? Its models stay on it.").arg(host), tr("Remove"), [this, host] {
        if (const rt::Status removed = removeHost(host); !removed)
            setStatus(removed.error().message, true);
    });
}

} // namespace rt::ui

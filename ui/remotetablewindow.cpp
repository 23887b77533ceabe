#include "remotetablewindow.h"

#include "debatesession.h"
#include "debateview.h"
#include "server/remotetable.h"
#include "theme.h"

#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace rt::ui {

using rt::server::RemoteTable;

RemoteTableWindow *RemoteTableWindow::ask(QWidget *parent, const QString &link)
{
    QString text = link;
    while (true) {
        bool ok = false;
        text = QInputDialog::getText(parent, tr("Connect to a Remote Table"),
            tr("Paste the viewer link of the other Roundtable (its Settings → Local Server, or what “roundtable serve” "
               "prints). You will watch its debates; you cannot change them."),
            QLineEdit::Normal, text, &ok);
        if (!ok)
            return nullptr;
        const rt::Result<QUrl> ws = RemoteTable::webSocketUrl(text);
        if (ws) {
            auto *window = new RemoteTableWindow(ws.value(), parent);
            window->show();
            return window;
        }
        QMessageBox::warning(parent, tr("Not a Viewer Link"), ws.error().message);
    }
}

RemoteTableWindow::RemoteTableWindow(const QUrl &webSocketUrl, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_table(new RemoteTable(this))
{
    setObjectName(QStringLiteral("remoteTableWindow"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Remote Table — %1:%2").arg(webSocketUrl.host()).arg(webSocketUrl.port()));
    resize(1100, 760);

    m_status = new QLabel(tr("Connecting…"), this);
    m_status->setObjectName(QStringLiteral("remoteStatus"));
    m_status->setAccessibleName(tr("Connection"));
    m_debates = new QComboBox(this);
    m_debates->setObjectName(QStringLiteral("remoteDebates"));
    m_debates->setAccessibleName(tr("Debates at that table"));
    m_debates->setMinimumContentsLength(40);
    m_debates->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    auto *closeButton = new QPushButton(tr("Disconnect"), this);
    closeButton->setObjectName(QStringLiteral("remoteDisconnect"));
    closeButton->setToolTip(tr("Stop watching and close this window (Ctrl+W)"));
    closeButton->setShortcut(QKeySequence::Close);
    auto *bar = new QHBoxLayout;
    auto *readOnly = new QLabel(tr("<b>Read-only</b>"), this);
    readOnly->setToolTip(tr("You are watching another Roundtable; only its user can pause, stop or add notes."));
    bar->addWidget(readOnly);
    bar->addWidget(m_status, 1);
    bar->addWidget(m_debates);
    bar->addWidget(closeButton);
    m_view = new DebateView(this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(closeButton, &QPushButton::clicked, this, &QWidget::close);
    connect(m_table, &RemoteTable::stateChanged, this, [this](RemoteTable::State state, const QString &text) {
        m_status->setText(text);
        const QColor role = state == RemoteTable::State::Connected ? Theme::Online
            : state == RemoteTable::State::Refused                 ? Theme::Offline
                                                                   : Theme::WarningText;
        m_status->setStyleSheet(QStringLiteral("color: %1").arg(Theme::css(role)));
    });
    connect(m_table, &RemoteTable::snapshotReceived, this, [this] { refreshList(); });
    connect(m_table, &RemoteTable::eventReceived, this, &RemoteTableWindow::onEvent);
    connect(m_debates, &QComboBox::activated, this, [this](int index) {
        m_userPicked = true;
        follow(qint64(m_debates->itemData(index).toLongLong()));
    });
    m_table->open(webSocketUrl);
}

RemoteTableWindow::~RemoteTableWindow()
{
    // The table (a child) goes after this object: it must not call back into it.
    disconnect(m_table, nullptr, this, nullptr);
}

qint64 RemoteTableWindow::currentDebate() const
{
    return m_session ? m_session->debateId() : 0;
}

void RemoteTableWindow::refreshList()
{
    const QJsonArray debates = m_table->snapshot().value(QStringLiteral("debates")).toArray();
    const QSignalBlocker block(m_debates);
    m_debates->clear();
    qint64 newestRunning = 0;
    qint64 newest = 0;
    for (const QJsonValue &v : debates) {
        const QJsonObject d = v.toObject();
        const QJsonObject info = d.value(QStringLiteral("debate")).toObject();
        const qint64 id = qint64(info.value(QStringLiteral("debate_id")).toDouble());
        const QString phase = d.value(QStringLiteral("phase")).toString();
        m_debates->addItem(tr("%1 (%2)").arg(info.value(QStringLiteral("question")).toString(), phase), id);
        newest = id;
        if (phase == QLatin1String("running") || phase == QLatin1String("paused") || phase == QLatin1String("starting"))
            newestRunning = id;
    }
    if (m_debates->count() == 0)
        m_debates->addItem(tr("No debate yet: waiting for one to start"), 0);
    const qint64 pick = m_userPicked && currentDebate() > 0 ? currentDebate() : (newestRunning ? newestRunning : newest);
    if (pick > 0)
        m_debates->setCurrentIndex(m_debates->findData(pick));
    if (pick > 0 && pick != currentDebate())
        follow(pick);
}

void RemoteTableWindow::onEvent(const QJsonObject &event)
{
    const QString type = event.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("finished") || type == QLatin1String("interrupted")) {
        // The list says how each debate stands.
        const QJsonObject outcome = event.value(QStringLiteral("outcome")).toObject();
        const qint64 id = qint64((type == QLatin1String("finished") ? outcome : event).value(QStringLiteral("debate_id")).toDouble());
        const int row = m_debates->findData(id);
        if (row >= 0) {
            QString text = m_debates->itemText(row);
            text = text.left(text.lastIndexOf(QLatin1String(" (")))
                + tr(" (%1)").arg(type == QLatin1String("interrupted") ? QStringLiteral("interrupted")
                                                                       : outcome.value(QStringLiteral("status")).toString());
            m_debates->setItemText(row, text);
        }
        return;
    }
    if (type != QLatin1String("debate_started"))
        return;
    const QJsonObject info = event.value(QStringLiteral("debate")).toObject();
    const qint64 id = qint64(info.value(QStringLiteral("debate_id")).toDouble());
    if (m_debates->findData(id) < 0) {
        if (m_debates->count() == 1 && m_debates->itemData(0).toLongLong() == 0)
            m_debates->clear();
        m_debates->addItem(tr("%1 (running)").arg(info.value(QStringLiteral("question")).toString()), id);
    }
    // A new debate there: watch it, unless the user chose another one that still runs.
    const bool currentRunning
        = m_session && (m_session->phase() == DebateSession::Phase::Running || m_session->phase() == DebateSession::Phase::Paused);
    if (!m_userPicked || !currentRunning) {
        m_debates->setCurrentIndex(m_debates->findData(id));
        follow(id);
        // The session missed this event (it did not exist): give it now.
        if (m_session)
            m_session->applyEvent(event);
    }
}

void RemoteTableWindow::follow(qint64 debateId)
{
    if (debateId <= 0 || debateId == currentDebate())
        return;
    auto *session = new DebateSession(this);
    session->followRemote(m_table, debateId);
    m_view->setSession(session);
    if (m_session)
        m_session->deleteLater();
    m_session = session;
}

} // namespace rt::ui

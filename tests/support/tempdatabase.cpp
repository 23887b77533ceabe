#include "tempdatabase.h"

#include "awaitfuture.h"
#include "pgtest.h"

#include <QDir>
#include <QUuid>

namespace rt::test {

using namespace rt::storage;

TempDatabase::TempDatabase(Backend backend)
    : m_backend(backend)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder");
        return;
    }
    if (backend == Backend::Sqlite) {
        m_location.dialect = Dialect::Sqlite;
        m_location.sqlitePath = QDir(m_dir.path()).filePath(QStringLiteral("roundtable.sqlite"));
        return;
    }
    createPostgres();
}

TempDatabase::TempDatabase(const QString &backendName)
    : TempDatabase(backendName == u"postgresql" ? Backend::Postgres : Backend::Sqlite)
{
}

void TempDatabase::createPostgres()
{
    const QString url = postgresUrl();
    if (url.isEmpty()) {
        m_error = postgresMissingReason();
        return;
    }
    auto admin = parseDatabaseLocation(url);
    if (!admin.ok()) {
        m_error = admin.error().message;
        return;
    }
    m_admin = *admin;
    m_location = m_admin;
    m_location.databaseName = QStringLiteral("rt_test_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    auto connection = Database::connect(m_admin);
    if (!connection.ok()) {
        m_error = connection.error().message;
        return;
    }
    if (auto created = connection.value()->execDirect(QStringLiteral("CREATE DATABASE %1").arg(m_location.databaseName)); !created.ok())
        m_error = created.error().message;
}

TempDatabase::~TempDatabase()
{
    if (m_backend == Backend::Postgres && isValid()) {
        auto connection = Database::connect(m_admin);
        if (connection.ok())
            (void)connection.value()->execDirect(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_location.databaseName));
    }
}

QString TempDatabase::dbArgument() const
{
    if (m_backend == Backend::Sqlite)
        return m_location.sqlitePath;
    QString url = QStringLiteral("postgresql://");
    if (!m_location.user.isEmpty())
        url += m_location.user + u'@';
    return url + m_location.host + u':' + QString::number(m_location.port) + u'/' + m_location.databaseName;
}

rt::Result<std::unique_ptr<Storage>> openStorage(const QString &sqlitePath)
{
    auto storage = std::make_unique<Storage>();
    DatabaseLocation location;
    location.sqlitePath = sqlitePath;
    const auto opened = await(storage->open(location, TempDatabase::noRecovery()));
    if (!opened)
        return opened.error();
    return storage;
}

OpenOptions TempDatabase::noRecovery()
{
    OpenOptions options;
    options.recover = false;
    return options;
}

rt::Result<std::unique_ptr<Database>> TempDatabase::open(OpenOptions options) const
{
    if (!isValid())
        return rt::Error { QStringLiteral("invalid"), m_error };
    auto opened = openDatabase(m_location, options);
    if (!opened.ok())
        return opened.error();
    return std::move(opened.value().database);
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

} // namespace rt::test

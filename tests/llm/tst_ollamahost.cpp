#include "llm/ollamahost.h"

#include <QStandardPaths>
#include <QTest>

using rt::llm::parseOllamaHost;

class TestOllamaHost final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void parse_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        // Rules from Ollama's envconfig (see shared/reference/ollama-api.md section 7).
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("bare ip") << QStringLiteral("1.2.3.4") << QStringLiteral("http://1.2.3.4:11434");
        QTest::newRow("ip:port") << QStringLiteral("1.2.3.4:1234") << QStringLiteral("http://1.2.3.4:1234");
        QTest::newRow("name") << QStringLiteral("example.com") << QStringLiteral("http://example.com:11434");
        QTest::newRow("http no port") << QStringLiteral("http://example.com") << QStringLiteral("http://example.com:80");
        QTest::newRow("https no port") << QStringLiteral("https://example.com") << QStringLiteral("https://example.com:443");
        QTest::newRow("path kept") << QStringLiteral("https://example.com/ollama") << QStringLiteral("https://example.com:443/ollama");
        QTest::newRow("spaces and quotes") << QStringLiteral("  \"127.0.0.1:5000\" ") << QStringLiteral("http://127.0.0.1:5000");
        QTest::newRow("ipv6") << QStringLiteral("[::1]:8080") << QStringLiteral("http://[::1]:8080");
        QTest::newRow("bare ipv6") << QStringLiteral("::1") << QStringLiteral("http://[::1]:11434");
        QTest::newRow("port only") << QStringLiteral(":1234") << QStringLiteral("http://127.0.0.1:1234");
        QTest::newRow("0.0.0.0 -> loopback") << QStringLiteral("0.0.0.0") << QStringLiteral("http://127.0.0.1:11434");
        QTest::newRow("bad port -> default") << QStringLiteral("1.2.3.4:99999") << QStringLiteral("http://1.2.3.4:11434");
        QTest::newRow("ollama.com") << QStringLiteral("ollama.com") << QStringLiteral("https://ollama.com:443");
        QTest::newRow("unknown scheme") << QStringLiteral("ftp://x") << QString();
        QTest::newRow("garbage") << QStringLiteral("not a host!") << QString();
    }

    void parse()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const QUrl url = parseOllamaHost(input);
        QCOMPARE(url.isValid() ? url.toString() : QString(), expected);
    }

    void precedence()
    {
        qputenv("OLLAMA_HOST", "10.1.2.3:7000");
        QCOMPARE(rt::llm::resolveOllamaHost(QStringLiteral("localhost:9000")).toString(), QStringLiteral("http://localhost:9000"));
        QCOMPARE(rt::llm::resolveOllamaHost().toString(), QStringLiteral("http://10.1.2.3:7000"));
        qunsetenv("OLLAMA_HOST");
        QCOMPARE(rt::llm::resolveOllamaHost().toString(), QStringLiteral("http://127.0.0.1:11434"));
    }
};

QTEST_GUILESS_MAIN(TestOllamaHost)
#include "tst_ollamahost.moc"

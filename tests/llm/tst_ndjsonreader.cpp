#include "llm/ndjsonreader.h"

#include <QJsonArray>
#include <QTest>

using rt::llm::NdjsonReader;

class TestNdjsonReader final : public QObject {
    Q_OBJECT

private:
    static QList<QJsonObject> feedAll(NdjsonReader &reader, const QList<QByteArray> &chunks, NdjsonReader::Status *status = nullptr)
    {
        QList<QJsonObject> objects;
        NdjsonReader::Status last = NdjsonReader::Status::Ok;
        for (const QByteArray &chunk : chunks) {
            last = reader.feed(chunk, [&](const QJsonObject &o) { objects.append(o); });
            if (last != NdjsonReader::Status::Ok)
                break;
        }
        if (status)
            *status = last;
        return objects;
    }

    static QByteArray sampleStream()
    {
        return QByteArrayLiteral("{\"message\":{\"content\":\"Hé\"},\"done\":false}\n"
                                 "{\"message\":{\"content\":\"llo 日本 🎲\"},\"done\":false}\n"
                                 "{\"message\":{\"content\":\"\"},\"done\":true,\"eval_count\":2}\n");
    }

private slots:
    void wholeLines()
    {
        NdjsonReader reader;
        const auto objects = feedAll(reader, { sampleStream() });
        QCOMPARE(objects.size(), 3);
        QCOMPARE(objects[0].value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Hé"));
        QCOMPARE(objects[2].value(QStringLiteral("done")).toBool(), true);
        QVERIFY(!reader.hasPartialLine());
    }

    void oneByteAtATime()
    {
        // Splits every line and every multi-byte UTF-8 sequence.
        const QByteArray stream = sampleStream();
        QList<QByteArray> chunks;
        for (char c : stream)
            chunks.append(QByteArray(1, c));
        NdjsonReader reader;
        const auto objects = feedAll(reader, chunks);
        QCOMPARE(objects.size(), 3);
        QCOMPARE(objects[1].value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString(),
            QStringLiteral("llo 日本 🎲"));
    }

    void splitsEverywhere_data()
    {
        QTest::addColumn<int>("cut");
        const int size = int(sampleStream().size());
        for (int cut = 1; cut < size; cut += 3)
            QTest::addRow("cut-%d", cut) << cut;
    }

    void splitsEverywhere()
    {
        QFETCH(int, cut);
        const QByteArray stream = sampleStream();
        NdjsonReader reader;
        const auto objects = feedAll(reader, { stream.left(cut), stream.mid(cut) });
        QCOMPARE(objects.size(), 3);
        QCOMPARE(objects[1].value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString(),
            QStringLiteral("llo 日本 🎲"));
    }

    void crlfAndEmptyLines()
    {
        NdjsonReader reader;
        const auto objects = feedAll(reader, { QByteArrayLiteral("\r\n{\"a\":1}\r\n\n\n{\"a\":2}\r"), QByteArrayLiteral("\n  \n") });
        QCOMPARE(objects.size(), 2);
        QCOMPARE(objects[1].value(QStringLiteral("a")).toInt(), 2);
        QCOMPARE(reader.status(), NdjsonReader::Status::Ok);
    }

    void hugeLine()
    {
        const QByteArray big(6 * 1024 * 1024, 'x');
        const QByteArray line = "{\"message\":{\"content\":\"" + big + "\"}}\n";
        NdjsonReader reader;
        QList<QByteArray> chunks;
        for (qsizetype i = 0; i < line.size(); i += 65536)
            chunks.append(line.mid(i, 65536));
        const auto objects = feedAll(reader, chunks);
        QCOMPARE(objects.size(), 1);
        QCOMPARE(objects[0].value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString().size(), big.size());
    }

    void lineTooLong()
    {
        NdjsonReader reader(1024);
        NdjsonReader::Status status;
        const auto objects = feedAll(reader, { QByteArrayLiteral("{\"a\":1}\n"), QByteArray(600, 'x'), QByteArray(600, 'y') }, &status);
        QCOMPARE(objects.size(), 1);
        QCOMPARE(status, NdjsonReader::Status::LineTooLong);
        QVERIFY(reader.errorString().contains(QStringLiteral("longer than")));
    }

    void invalidLineStopsCleanly()
    {
        NdjsonReader reader;
        NdjsonReader::Status status;
        const auto objects = feedAll(reader, { QByteArrayLiteral("{\"a\":1}\n{\"a\":\n{\"a\":3}\n") }, &status);
        QCOMPARE(objects.size(), 1);
        QCOMPARE(status, NdjsonReader::Status::InvalidLine);
        QVERIFY2(reader.errorString().contains(QStringLiteral("line 2")), qPrintable(reader.errorString()));
        // Later input is refused, not half-parsed.
        int more = 0;
        QCOMPARE(reader.feed("{\"a\":4}\n", [&](const QJsonObject &) { ++more; }), NdjsonReader::Status::InvalidLine);
        QCOMPARE(more, 0);
    }

    void nonObjectLine()
    {
        NdjsonReader reader;
        NdjsonReader::Status status;
        feedAll(reader, { QByteArrayLiteral("[1,2]\n") }, &status);
        QCOMPARE(status, NdjsonReader::Status::InvalidLine);
    }

    void errorLineIsAnObject()
    {
        // Error lines are delivered; the client decides what they mean.
        NdjsonReader reader;
        const auto objects = feedAll(reader, { QByteArrayLiteral("{\"message\":{\"content\":\"a\"}}\n{\"error\":\"boom\"}\n") });
        QCOMPARE(objects.size(), 2);
        QCOMPARE(objects[1].value(QStringLiteral("error")).toString(), QStringLiteral("boom"));
    }

    void truncatedTailIsVisible()
    {
        NdjsonReader reader;
        const auto objects = feedAll(reader, { QByteArrayLiteral("{\"a\":1}\n{\"a\":") });
        QCOMPARE(objects.size(), 1);
        QVERIFY(reader.hasPartialLine());
        QCOMPARE(reader.pendingBytes(), qsizetype(5));
    }

    void resetClearsState()
    {
        NdjsonReader reader;
        NdjsonReader::Status status;
        feedAll(reader, { QByteArrayLiteral("nope\n") }, &status);
        QCOMPARE(status, NdjsonReader::Status::InvalidLine);
        reader.reset();
        const auto objects = feedAll(reader, { QByteArrayLiteral("{\"ok\":true}\n") });
        QCOMPARE(objects.size(), 1);
    }
};

QTEST_APPLESS_MAIN(TestNdjsonReader)
#include "tst_ndjsonreader.moc"

// bench-bare-reader: the floor for any QNetworkAccessManager client. POSTs a
// streaming /api/chat, splits the body into lines and parses each with
// QJsonDocument; nothing else. Exit 0 only if the final done:true arrived.
// Usage: bench-bare-reader URL [MODEL]
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: bench-bare-reader URL [MODEL]\n");
        return 2;
    }
    const QUrl base(args.at(1));
    const QString model = args.value(2, u"llama3.2:1b"_s);

    QNetworkAccessManager nam;
    QNetworkRequest request(base.resolved(QUrl(u"/api/chat"_s)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(0);
    const QByteArray body
        = QJsonDocument(QJsonObject {
                            { u"model"_s, model },
                            { u"stream"_s, true },
                            { u"messages"_s, QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, u"bench"_s } } } },
                        })
              .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = nam.post(request, body);

    QByteArray buffer;
    qsizetype start = 0;
    qint64 lines = 0;
    bool done = false;
    QObject::connect(reply, &QNetworkReply::readyRead, &app, [&] {
        buffer.append(reply->readAll());
        qsizetype nl;
        while ((nl = buffer.indexOf('\n', start)) >= 0) {
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArrayView(buffer).sliced(start, nl - start).toByteArray());
            ++lines;
            if (doc.object().value(u"done"_s).toBool())
                done = true;
            start = nl + 1;
        }
        if (start > 64 * 1024) {
            buffer.remove(0, start);
            start = 0;
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, &app, [&] {
        if (reply->error() != QNetworkReply::NoError)
            std::fprintf(stderr, "bench-bare-reader: %s\n", qPrintable(reply->errorString()));
        std::fprintf(stderr, "bench-bare-reader: %lld lines, done=%d\n", static_cast<long long>(lines), int(done));
        QCoreApplication::exit(reply->error() == QNetworkReply::NoError && done ? 0 : 1);
    });
    return app.exec();
}

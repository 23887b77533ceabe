#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace rt::sim {

struct HttpRequest {
    QByteArray method;
    QByteArray target; // as sent ("/api/chat?x=1")
    QString path; // decoded path without the query
    QByteArray version; // "HTTP/1.1"
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    bool keepAlive = true;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (h.first == name)
                return h.second;
        }
        return {};
    }
    bool hasHeader(QByteArrayView name) const
    {
        for (const auto &h : headers) {
            if (h.first == name)
                return true;
        }
        return false;
    }
};

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

} // namespace rt::sim

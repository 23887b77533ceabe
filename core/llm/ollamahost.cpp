#include "ollamahost.h"

#include "common/appsettings.h"
#include "common/translate.h"

#include <QRegularExpression>

namespace rt::llm {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::llm)
};

QString trimmed(QString text)
{
    text = text.trimmed();
    while (!text.isEmpty() && (text.front() == u'"' || text.front() == u'\''))
        text.remove(0, 1);
    while (!text.isEmpty() && (text.back() == u'"' || text.back() == u'\''))
        text.chop(1);
    return text.trimmed();
}

bool isUnspecifiedHost(const QString &host)
{
    return host.isEmpty() || host == u"0.0.0.0" || host == u"::" || host == u"[::]";
}
} // namespace

QUrl parseOllamaHost(const QString &input)
{
    QString text = trimmed(input);
    if (text.isEmpty())
        return {};

    QString scheme = QStringLiteral("http");
    quint16 defaultPort = DefaultOllamaPort;
    const qsizetype schemeEnd = text.indexOf(u"://");
    if (schemeEnd >= 0) {
        scheme = text.left(schemeEnd).toLower();
        text = text.mid(schemeEnd + 3);
        if (scheme == u"http")
            defaultPort = 80;
        else if (scheme == u"https")
            defaultPort = 443;
        else
            return {};
    }

    QString path;
    const qsizetype slash = text.indexOf(u'/');
    if (slash >= 0) {
        path = text.mid(slash);
        text = text.left(slash);
    }

    QString host = text;
    int port = defaultPort;
    if (host.startsWith(u'[')) { // [::1]:port
        const qsizetype close = host.indexOf(u']');
        if (close < 0)
            return {};
        const QString rest = host.mid(close + 1);
        host = host.mid(1, close - 1);
        if (rest.startsWith(u':')) {
            bool ok = false;
            const int p = rest.mid(1).toInt(&ok);
            if (ok && p > 0 && p < 65536)
                port = p;
        }
    } else if (host.count(u':') == 1) { // host:port or :port
        const qsizetype colon = host.indexOf(u':');
        bool ok = false;
        const int p = host.mid(colon + 1).toInt(&ok);
        host = host.left(colon);
        if (ok && p > 0 && p < 65536)
            port = p; // a bad port falls back to the default, as Ollama does
    }
    // More than one colon without brackets: a bare IPv6 address.

    // Ollama's own host is served over https.
    if (schemeEnd < 0 && host.compare(u"ollama.com", Qt::CaseInsensitive) == 0) {
        scheme = QStringLiteral("https");
        port = 443;
    }

    if (isUnspecifiedHost(host))
        host = host.contains(u':') ? QStringLiteral("::1") : QStringLiteral("127.0.0.1");

    static const QRegularExpression validHost(QStringLiteral("^[A-Za-z0-9._:%-]+$"));
    if (!validHost.match(host).hasMatch())
        return {};

    QUrl url;
    url.setScheme(scheme);
    url.setHost(host);
    url.setPort(port);
    if (!path.isEmpty() && path != u"/")
        url.setPath(path.endsWith(u'/') ? path.chopped(1) : path);
    return url.isValid() ? url : QUrl();
}

rt::Result<QUrl> parseOllamaHostStrict(const QString &input)
{
    // The reasons complete a sentence such as: "--ollama-host "X" is not a valid Ollama host: REASON".
    const auto invalid = [](const QString &why) { return rt::Error { QStringLiteral("usage"), why }; };
    QString text = trimmed(input);
    if (text.isEmpty())
        //: Why an Ollama host address is not valid; it completes a sentence such as: "X" is not a valid Ollama host: REASON
        return invalid(Tr::tr("it is empty; use a form like http://127.0.0.1:11434"));
    if (const qsizetype schemeEnd = text.indexOf(u"://"); schemeEnd >= 0) {
        const QString scheme = text.left(schemeEnd).toLower();
        if (scheme != u"http" && scheme != u"https")
            //: Why an Ollama host address is not valid; %1 is the scheme given (such as ftp)
            return invalid(Tr::tr("the scheme must be http or https, not %1").arg(scheme));
        text = text.mid(schemeEnd + 3);
    }
    QString authority = text.left(text.indexOf(u'/') >= 0 ? text.indexOf(u'/') : text.size());
    QString port;
    if (authority.startsWith(u'[')) {
        const qsizetype close = authority.indexOf(u']');
        if (close < 0)
            return invalid(Tr::tr("the IPv6 address has no closing ]"));
        port = authority.mid(close + 1);
        authority = authority.mid(1, close - 1);
        if (!port.isEmpty() && !port.startsWith(u':'))
            return invalid(Tr::tr("unexpected text after the IPv6 address"));
        port = port.mid(1);
    } else if (authority.count(u':') == 1) {
        port = authority.mid(authority.indexOf(u':') + 1);
        authority = authority.left(authority.indexOf(u':'));
        if (port.isEmpty())
            return invalid(Tr::tr("the port after ':' is missing"));
    }
    if (authority.isEmpty() && port.isEmpty())
        return invalid(Tr::tr("the host name is missing"));
    if (!port.isEmpty()) {
        bool ok = false;
        const int number = port.toInt(&ok);
        if (!ok || number < 1 || number > 65535)
            //: Why an Ollama host address is not valid; %1 is the port given
            return invalid(Tr::tr("the port \"%1\" is not a number from 1 to 65535").arg(port));
    }
    const QUrl url = parseOllamaHost(input);
    if (!url.isValid())
        return invalid(Tr::tr("the host name has characters a host name cannot have"));
    return url;
}

QUrl resolveOllamaHost(const QString &commandLineValue)
{
    for (const QString &candidate : { commandLineValue, qEnvironmentVariable("OLLAMA_HOST"), rt::AppSettings::ollamaHost() }) {
        if (candidate.trimmed().isEmpty())
            continue;
        const QUrl url = parseOllamaHost(candidate);
        if (url.isValid())
            return url;
    }
    return parseOllamaHost(QStringLiteral("127.0.0.1:11434"));
}

QString displayHost(const QUrl &url)
{
    return url.toString(QUrl::StripTrailingSlash);
}

} // namespace rt::llm

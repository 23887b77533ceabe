#pragma once

#include "common/result.h"

#include <QString>
#include <QUrl>

namespace rt::llm {

inline constexpr quint16 DefaultOllamaPort = 11434;

// Parses a host the way Ollama's OLLAMA_HOST does: spaces and quotes trimmed,
// no scheme -> http, no port -> 11434 (http:// with no port -> 80, https:// -> 443),
// a path is kept. Hosts that only make sense for a server (0.0.0.0, ::, empty)
// are mapped to loopback so a client can connect. Returns an invalid QUrl for
// text that is not a host at all.
QUrl parseOllamaHost(const QString &text);

// For values a person typed (--ollama-host, roundtable hosts add): the same
// forms, but nothing is guessed. A scheme other than http/https, a missing
// host ("http://"), or a port that is not a number from 1 to 65535 (":abc")
// is an error saying what is wrong.
rt::Result<QUrl> parseOllamaHostStrict(const QString &text);

// The host to use: the command-line value, else $OLLAMA_HOST, else the saved
// setting, else http://127.0.0.1:11434.
QUrl resolveOllamaHost(const QString &commandLineValue = {});

// "http://127.0.0.1:11434" without a trailing slash, for messages.
QString displayHost(const QUrl &url);

} // namespace rt::llm

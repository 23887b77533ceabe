#pragma once

#include <QCoreApplication>
#include <QString>

// tr() for code outside QObject classes (free functions, command-line code),
// defined once here. A file says which translation context its strings belong
// to with RT_TRANSLATION_CONTEXT("rt::llm") inside its anonymous namespace;
// lupdate reads the tr() calls as usual.
#define RT_TRANSLATION_CONTEXT(context)                                                                                                    \
    [[maybe_unused]] QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)                                        \
    {                                                                                                                                      \
        return QCoreApplication::translate(context, text, disambiguation, n);                                                              \
    }

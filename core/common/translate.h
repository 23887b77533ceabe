#pragma once

#include <QCoreApplication>
#include <QString>

// Translation contexts for code outside QObject classes (free functions,
// command-line code). A file names its context once, inside its anonymous
// namespace, in a form lupdate reads literally (it does not expand macros):
//
//     struct Tr {
//         Q_DECLARE_TR_FUNCTIONS(rt::llm)
//     };
//
// and calls Tr::tr("..."). The context lupdate writes into translations/*.ts
// is then exactly the one looked up at run time, whatever class or function
// the call sits in (an unqualified tr() in a method of a class without
// Q_OBJECT would be filed by lupdate under that class's name instead).

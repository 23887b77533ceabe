#pragma once

class QApplication;
class QCommandLineParser;

namespace rt::ui {

// Options only the window has. runGui() also understands the shared ones
// (--ollama-host, --verbose, --db), which main() lists in --help itself.
struct GuiOptions {
    // --demo, --screenshot FILE, --page NAME, --theme NAME
    static void addTo(QCommandLineParser &parser);
};

// Parses app.arguments(), opens the main window and runs the event loop.
// Returns the process exit code.
int runGui(QApplication &app);

} // namespace rt::ui

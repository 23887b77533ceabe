#pragma once

#include <QUrl>
#include <QWidget>

class QLabel;
class QPushButton;

namespace rt::ui {

// Shown instead of a page that needs Ollama when none answers: names the host
// that was tried and why it failed, says how to start Ollama, shows the
// automatic retry, and offers the built-in demo.
class OfflinePanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OfflinePanel)
public:
    explicit OfflinePanel(QWidget *parent = nullptr);

    void setHost(const QUrl &host);
    void setReason(const QString &reason);
    // Seconds until the next automatic try; 0 = trying now.
    void setCountdown(int secondsLeft);
    void setChecking(bool checking);
    void setDemoStarting(bool starting);
    void setDemoError(const QString &message);

    QString hostText() const;
    QPushButton *demoButton() const { return m_demoButton; }
    QPushButton *retryButton() const { return m_retryButton; }

signals:
    void retryRequested();
    void demoRequested();

private:
    QLabel *m_host;
    QLabel *m_reason;
    QLabel *m_retryStatus;
    QLabel *m_demoStatus;
    QPushButton *m_retryButton;
    QPushButton *m_demoButton;
    bool m_checking = false;
};

} // namespace rt::ui

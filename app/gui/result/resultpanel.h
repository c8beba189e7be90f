#pragma once
// The Result dock: the response pretty-printed, an error with its type and stack, the REPORT figures
// as fields, and whether the start was cold or warm.

#include <QWidget>

class QLabel;
class QTableView;

namespace fn {

class CodeEditor;
class ResultModel;
class StudioSession;
struct InvocationRecord;

class ResultPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ResultPanel(StudioSession &session, QWidget *parent = nullptr);

    void showRecord(const InvocationRecord &record);
    ResultModel &model() const { return *m_model; }
    QString responseText() const;
    QString errorText() const;
    QString badgeText() const;

private:
    void showAccepted(const QString &functionName);

    StudioSession &m_session;
    ResultModel *m_model;
    QLabel *m_badge;
    QLabel *m_headline;
    QLabel *m_error;
    QTableView *m_fields;
    CodeEditor *m_response;
    QLabel *m_empty;
    QWidget *m_content;
};

} // namespace fn

#pragma once
// What a panel needs to tell the user something (the status bar and the message bar), without
// holding the whole session.

#include <QString>

namespace fn {

class Messenger
{
public:
    enum class Severity { Info, Warning, Error };

    virtual void showMessage(Severity severity, const QString &text) = 0;

protected:
    ~Messenger() = default;
};

} // namespace fn

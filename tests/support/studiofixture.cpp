#include "studiofixture.h"

#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "session/studiosession.h"

#include <QComboBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

namespace fn::test {

void StudioFixture::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
}

StudioFixture::StudioFixture(Engine engine)
    : m_session(std::make_unique<StudioSession>())
{
    if (engine == Engine::Started)
        m_session->startEngine();
}

StudioFixture::~StudioFixture()
{
    m_window.reset();
    m_session.reset();
}

MainWindow &StudioFixture::window()
{
    if (!m_window)
        m_window = newWindow();
    return *m_window;
}

bool StudioFixture::show()
{
    window().show();
    return QTest::qWaitForWindowExposed(m_window.get());
}

void StudioFixture::openProject(const QString &folder)
{
    window().openProject(folder);
}

bool StudioFixture::chooseTarget(const QString &function, const QString &event)
{
    InvokeBar *bar = window().invokeBar();
    const int f = bar->functionCombo()->findText(function);
    if (f < 0)
        return false;
    bar->functionCombo()->setCurrentIndex(f);
    if (event.isEmpty())
        return true;
    const int e = bar->eventCombo()->findText(event);
    if (e < 0)
        return false;
    bar->eventCombo()->setCurrentIndex(e);
    return true;
}

std::unique_ptr<MainWindow> StudioFixture::newWindow() const
{
    return std::make_unique<MainWindow>(*m_session);
}

} // namespace fn::test

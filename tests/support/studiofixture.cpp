#include "studiofixture.h"

#include "mainwindow/mainwindow.h"
#include "session/studiosession.h"

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

std::unique_ptr<MainWindow> StudioFixture::newWindow() const
{
    return std::make_unique<MainWindow>(*m_session);
}

} // namespace fn::test

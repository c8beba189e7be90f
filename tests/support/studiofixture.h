#pragma once
// The studio as a GUI test meets it: one StudioSession (with the real engine when asked) and its
// MainWindow, made, shown and torn down in the studio's order; the one place tests assemble them.

#include <QString>
#include <QtGlobal>

#include <memory>

namespace fn {
class MainWindow;
class StudioSession;
} // namespace fn

namespace fn::test {

//     StudioFixture studio(StudioFixture::Engine::Started);
//     QVERIFY(studio.show());
//     studio.openProject(project.path());
//     StudioSession &session = studio.session();
//     MainWindow &window = studio.window();
class StudioFixture final
{
public:
    enum class Engine { Off, Started };

    // For initTestCase: standard paths in test mode, and no settings left by an earlier run (burst
    // size, invoke type, ports) to steer this one.
    static void initTestCase();

    // The session, with the real engine (runtimes from the plugin folder) when asked.
    explicit StudioFixture(Engine engine = Engine::Off);
    // The window goes before the session it shows, as in the studio.
    ~StudioFixture();
    Q_DISABLE_COPY_MOVE(StudioFixture)

    StudioSession &session() const { return *m_session; }
    // The window on the session, made on first use so that a test can set the session up first (a
    // manual clock, spies on what opening a project emits); take it before opening a project
    // through the session, or the window will not have seen it open.
    MainWindow &window();
    // Shows the window and waits until it is exposed; false if it never is.
    [[nodiscard]] bool show();
    // Opens the folder through the window, as File → Open does.
    void openProject(const QString &folder);
    // Picks the function and event (by name; none when empty) in the window's invoke bar, as a
    // person would before pressing Invoke; false if either is not offered.
    [[nodiscard]] bool chooseTarget(const QString &function, const QString &event = {});
    // A further window on the same session, for the tests of layouts that build several in turn.
    std::unique_ptr<MainWindow> newWindow() const;

private:
    std::unique_ptr<StudioSession> m_session;
    std::unique_ptr<MainWindow> m_window; // after the session: destroyed before it
};

} // namespace fn::test

#include "editor/codeeditor.h"

#include "editor/findbar.h"
#include "editor/jsonvalidator.h"
#include "project/projectfile.h"

// QScintilla's headers say `slots` and `signals`, which QT_NO_KEYWORDS removes; map them here only.
#define slots Q_SLOTS
#define signals Q_SIGNALS
#include <Qsci/qscilexerbash.h>
#include <Qsci/qscilexerjavascript.h>
#include <Qsci/qscilexerjson.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qscilexeryaml.h>
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHash>
#include <QLabel>
#include <QSaveFile>
#include <QShortcut>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace fn {

namespace {
constexpr int errorIndicator = 8; // the first indicator number free for containers
constexpr int errorMarker = 1;
constexpr int problemMarker = 2;
} // namespace

CodeEditor::CodeEditor(QWidget *parent)
    : QWidget(parent)
    , m_sci(new QsciScintilla(this))
    , m_findBar(new FindBar(this))
    , m_status(new QLabel(this))
    , m_validateTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sci, 1);
    layout->addWidget(m_findBar);
    layout->addWidget(m_status);
    m_status->setContentsMargins(8, 3, 8, 3);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    m_sci->setUtf8(true);
    m_sci->setAutoIndent(true);
    m_sci->setIndentationsUseTabs(false);
    m_sci->setIndentationWidth(4);
    m_sci->setTabWidth(4);
    m_sci->setBraceMatching(QsciScintilla::SloppyBraceMatch);
    m_sci->setFolding(QsciScintilla::BoxedTreeFoldStyle, 2);
    m_sci->setMarginLineNumbers(0, true);
    m_sci->setMarginType(1, QsciScintilla::SymbolMargin);
    m_sci->setMarginWidth(1, 14);
    m_sci->markerDefine(QsciScintilla::RightTriangle, errorMarker);
    m_sci->setMarkerBackgroundColor(QColor(0xd0, 0x3b, 0x3b), errorMarker);
    m_sci->markerDefine(QsciScintilla::Circle, problemMarker);
    m_sci->setMarkerBackgroundColor(QColor(0xd0, 0x3b, 0x3b), problemMarker);
    m_sci->indicatorDefine(QsciScintilla::SquiggleIndicator, errorIndicator);
    m_sci->setIndicatorForegroundColor(QColor(0xd0, 0x3b, 0x3b), errorIndicator);
    m_sci->setCaretLineVisible(true);
    m_sci->setEdgeMode(QsciScintilla::EdgeNone);
    m_sci->SendScintilla(QsciScintilla::SCI_SETSCROLLWIDTHTRACKING, 1);
    setFocusProxy(m_sci);
    applyTheme();
    updateMarginWidth();

    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150);
    connect(m_validateTimer, &QTimer::timeout, this, &CodeEditor::validateNow);
    connect(m_sci, &QsciScintilla::textChanged, this, [this] {
        updateMarginWidth();
        if (m_validateJson)
            m_validateTimer->start();
    });
    connect(m_sci, &QsciScintilla::modificationChanged, this, &CodeEditor::modificationChanged);

    connect(m_findBar, &FindBar::findRequested, this, &CodeEditor::findFromBar);
    connect(m_findBar, &FindBar::replaceRequested, this, &CodeEditor::replaceFromBar);
    connect(m_findBar, &FindBar::replaceAllRequested, this, [this] {
        const int n = replaceAll(m_findBar->findText(), m_findBar->replaceText(), m_findBar->caseSensitive(),
                                 m_findBar->regularExpression());
        m_findBar->setStatus(tr("%n replaced", nullptr, n));
    });
    connect(m_findBar, &FindBar::closed, m_sci, qOverload<>(&QWidget::setFocus));
    auto *next = new QShortcut(QKeySequence::FindNext, this, [this] { findFromBar(true); });
    auto *prev = new QShortcut(QKeySequence::FindPrevious, this, [this] { findFromBar(false); });
    next->setContext(Qt::WidgetWithChildrenShortcut);
    prev->setContext(Qt::WidgetWithChildrenShortcut);
}

CodeEditor::~CodeEditor() = default;

CodeEditor::Language CodeEditor::languageForFile(const QString &path, const QList<RuntimeDescriptor> &runtimes)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    // The project's own formats, whatever the runtime: events are JSON, the SAM template is YAML.
    if (suffix == u"json")
        return Language::Json;
    if (suffix == u"yaml" || suffix == u"yml")
        return Language::Yaml;
    const QString dotted = u'.' + suffix;
    for (const RuntimeDescriptor &runtime : runtimes) {
        const bool extension = !suffix.isEmpty() && runtime.fileExtensions.contains(dotted, Qt::CaseInsensitive);
        if (extension || (!runtime.handlerFileName.isEmpty() && info.fileName() == runtime.handlerFileName))
            return languageForLexer(runtime.lexer);
    }
    return Language::Plain;
}

CodeEditor::Language CodeEditor::languageForLexer(const QString &name)
{
    static const QList<QPair<QString, Language>> lexers{{QStringLiteral("python"), Language::Python},
                                                        {QStringLiteral("javascript"), Language::JavaScript},
                                                        {QStringLiteral("json"), Language::Json},
                                                        {QStringLiteral("yaml"), Language::Yaml},
                                                        {QStringLiteral("bash"), Language::Bash}};
    for (const auto &[lexer, language] : lexers)
        if (name.compare(lexer, Qt::CaseInsensitive) == 0)
            return language;
    return Language::Plain;
}

void CodeEditor::setLanguage(Language language)
{
    m_language = language;
    QsciLexer *lexer = nullptr;
    switch (language) {
    case Language::Python:
        lexer = new QsciLexerPython(m_sci);
        break;
    case Language::JavaScript:
        lexer = new QsciLexerJavaScript(m_sci);
        break;
    case Language::Json:
        lexer = new QsciLexerJSON(m_sci);
        break;
    case Language::Yaml:
        lexer = new QsciLexerYAML(m_sci);
        break;
    case Language::Bash:
        lexer = new QsciLexerBash(m_sci);
        break;
    case Language::Plain:
        break;
    }
    QsciLexer *old = m_sci->lexer();
    m_sci->setLexer(lexer);
    delete old;
    // Python and YAML are indentation-sensitive and conventionally 4 and 2 spaces wide.
    const int indent = language == Language::Python || language == Language::Bash ? 4 : 2;
    m_sci->setIndentationWidth(indent);
    m_sci->setTabWidth(indent);
    applyTheme();
    setValidateJson(language == Language::Json);
}

void CodeEditor::applyTheme()
{
    // Follow the system palette: paper and default text from it, lexer colours lifted on dark.
    const QPalette pal = palette();
    const QColor paper = pal.color(QPalette::Base);
    const QColor ink = pal.color(QPalette::Text);
    const bool dark = paper.lightness() < 128;
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(qMax(10.0, font.pointSizeF()));
    m_sci->setFont(font);
    if (QsciLexer *lexer = m_sci->lexer()) {
        lexer->setDefaultFont(font);
        lexer->setFont(font, -1);
        lexer->setDefaultPaper(paper);
        lexer->setPaper(paper, -1);
        for (int style = 0; style < 128; ++style) {
            if (lexer->description(style).isEmpty())
                continue;
            QColor c = lexer->color(style);
            if (dark && c.lightness() < 110)
                c = c.lightness() < 20 ? ink : c.lighter(200);
            lexer->setColor(c, style);
            lexer->setFont(font, style);
        }
    } else {
        m_sci->setPaper(paper);
        m_sci->setColor(ink);
    }
    m_sci->setCaretForegroundColor(ink);
    m_sci->setCaretLineBackgroundColor(dark ? paper.lighter(130) : paper.darker(104));
    m_sci->setMarginsBackgroundColor(pal.color(QPalette::Window));
    m_sci->setMarginsForegroundColor(pal.color(QPalette::PlaceholderText));
    m_sci->setMarginsFont(font);
    m_sci->setFoldMarginColors(pal.color(QPalette::Window), pal.color(QPalette::Window));
    m_sci->setMatchedBraceBackgroundColor(dark ? QColor(0x2f, 0x5f, 0x3f) : QColor(0xc8, 0xf0, 0xc8));
    m_sci->setSelectionBackgroundColor(pal.color(QPalette::Highlight));
    m_sci->setSelectionForegroundColor(pal.color(QPalette::HighlightedText));
}

void CodeEditor::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The system switched between light and dark: follow it.
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

void CodeEditor::updateMarginWidth()
{
    m_sci->setMarginWidth(0, QStringLiteral("0%1").arg(m_sci->lines()));
}

bool CodeEditor::openFile(const QString &path, QString *error)
{
    // Only a regular file, and not a huge one: a FIFO named like a handler would block this thread
    // (the GUI's) for good, and a many-megabyte bundle is no file to edit here.
    constexpr qint64 MaxEditedBytes = 64 << 20;
    QString why;
    const std::optional<QByteArray> text = ProjectFile::read(path, MaxEditedBytes, &why);
    if (!text) {
        if (error)
            *error = why;
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    setLanguage(languageForFile(path, m_runtimes));
    m_sci->setText(QString::fromUtf8(*text));
    m_sci->setModified(false);
    if (m_validateJson)
        validateNow();
    return true;
}

bool CodeEditor::reload(QString *error)
{
    int line = 0;
    int index = 0;
    m_sci->getCursorPosition(&line, &index);
    const int firstVisible = m_sci->firstVisibleLine();
    if (!openFile(m_path, error))
        return false;
    m_sci->setCursorPosition(qMin(line, qMax(0, m_sci->lines() - 1)), index);
    m_sci->setFirstVisibleLine(firstVisible);
    return true;
}

bool CodeEditor::save(QString *error)
{
    if (m_path.isEmpty()) {
        if (error)
            *error = tr("The text has no file to be saved to.");
        return false;
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_sci->text().toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = tr("Cannot save %1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_sci->setModified(false);
    return true;
}

QString CodeEditor::text() const
{
    return m_sci->text();
}
void CodeEditor::setText(const QString &text)
{
    m_sci->setText(text);
}
bool CodeEditor::isModified() const
{
    return m_sci->isModified();
}
void CodeEditor::setModified(bool modified)
{
    m_sci->setModified(modified);
}
void CodeEditor::setReadOnly(bool readOnly)
{
    m_sci->setReadOnly(readOnly);
}

void CodeEditor::setCursorPosition(int line, int column)
{
    m_sci->setCursorPosition(qMax(0, line - 1), qMax(0, column - 1));
    m_sci->ensureLineVisible(qMax(0, line - 1));
}

void CodeEditor::setValidateJson(bool validate)
{
    m_validateJson = validate;
    if (validate) {
        validateNow();
    } else {
        m_jsonOk = true;
        m_validation.clear();
        m_status->hide();
        m_sci->markerDeleteAll(errorMarker);
        m_sci->clearIndicatorRange(0, 0, qMax(0, m_sci->lines() - 1), m_sci->lineLength(m_sci->lines() - 1),
                                   errorIndicator);
    }
}

void CodeEditor::setProblems(const QList<Diagnostic> &problems)
{
    m_sci->markerDeleteAll(problemMarker);
    m_sci->clearAnnotations();
    m_problemLines.clear();
    const int lastLine = qMax(0, m_sci->lines() - 1);
    QHash<int, QStringList> byLine;
    for (const Diagnostic &d : problems) {
        const int line = qBound(0, (d.line > 0 ? d.line : 1) - 1, lastLine);
        byLine[line] << d.message;
    }
    for (auto it = byLine.cbegin(); it != byLine.cend(); ++it) {
        m_sci->markerAdd(it.key(), problemMarker);
        // Style 0 of the lexer's palette, so the note reads in light and dark themes alike.
        m_sci->annotate(it.key(), it.value().join(u'\n'), 0);
        m_problemLines << it.key() + 1;
    }
    std::sort(m_problemLines.begin(), m_problemLines.end());
    if (!m_problemLines.isEmpty())
        m_sci->setAnnotationDisplay(QsciScintilla::AnnotationBoxed);
}

QString CodeEditor::problemAt(int line) const
{
    return line >= 1 ? m_sci->annotation(line - 1) : QString();
}

void CodeEditor::validateNow()
{
    const JsonValidation v = JsonValidation::of(m_sci->text().toUtf8());
    m_sci->markerDeleteAll(errorMarker);
    const int lastLine = qMax(0, m_sci->lines() - 1);
    m_sci->clearIndicatorRange(0, 0, lastLine, qMax(0, m_sci->lineLength(lastLine)), errorIndicator);
    const bool changed = v.ok != m_jsonOk || v.toString() != m_validation;
    m_jsonOk = v.ok;
    m_validation = v.toString();
    if (v.ok) {
        m_status->setText(tr("Valid JSON"));
        m_status->setStyleSheet(QString());
        m_status->setVisible(m_validateJson);
    } else {
        const int line = qBound(0, v.line - 1, lastLine);
        m_sci->markerAdd(line, errorMarker);
        const int col = qBound(0, v.column - 1, qMax(0, m_sci->lineLength(line) - 1));
        m_sci->fillIndicatorRange(line, col, line, qMin(m_sci->lineLength(line), col + 1), errorIndicator);
        m_status->setText(tr("Not JSON — %1").arg(m_validation));
        m_status->setStyleSheet(QStringLiteral("color: #d03b3b;"));
        m_status->show();
    }
    if (changed)
        Q_EMIT validationChanged(v.ok, m_validation);
}

bool CodeEditor::find(const QString &text, bool forward, bool caseSensitive, bool regex)
{
    if (text.isEmpty())
        return false;
    int line = 0, index = 0;
    if (!forward && m_sci->hasSelectedText()) {
        // Searching backwards must start before the current match, not at its end.
        int l2, i2;
        m_sci->getSelection(&line, &index, &l2, &i2);
    } else {
        m_sci->getCursorPosition(&line, &index);
    }
    return m_sci->findFirst(text, regex, caseSensitive, false, true, forward, line, index, true);
}

int CodeEditor::replaceAll(const QString &text, const QString &replacement, bool caseSensitive, bool regex)
{
    if (text.isEmpty())
        return 0;
    int count = 0;
    m_sci->beginUndoAction();
    if (m_sci->findFirst(text, regex, caseSensitive, false, false, true, 0, 0, false)) {
        do {
            m_sci->replace(replacement);
            ++count;
        } while (m_sci->findNext() && count < 1'000'000);
    }
    m_sci->endUndoAction();
    return count;
}

void CodeEditor::showFind(bool withReplace)
{
    if (m_sci->hasSelectedText() && !m_sci->selectedText().contains(u'\n'))
        m_findBar->setFindText(m_sci->selectedText());
    m_findBar->activate(withReplace);
}

void CodeEditor::findFromBar(bool forward)
{
    const bool found = find(m_findBar->findText(), forward, m_findBar->caseSensitive(), m_findBar->regularExpression());
    m_findBar->setStatus(found || m_findBar->findText().isEmpty() ? QString() : tr("Not found"));
}

void CodeEditor::replaceFromBar()
{
    if (m_sci->hasSelectedText())
        m_sci->replaceSelectedText(m_findBar->replaceText());
    findFromBar(true);
}

} // namespace fn

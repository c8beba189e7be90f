#include "project/yamlbudget.h"

#include <QUtf8StringView>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace fn {

namespace {

struct OverBudget
{
    YamlBudget::Problem problem;
};

// Whether the quoted scalar opening at text[pos] closes before the end: yaml-cpp ends one that never
// closes at the end of the document without a word, swallowing every line after it as its value.
bool quoteCloses(const std::string &text, size_t pos)
{
    const char quote = text[pos];
    for (size_t i = pos + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i; // an escape: the next character is the value's
        } else if (text[i] == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'')
                ++i; // '' is a quote within single quotes
            else
                return true;
        }
    }
    return false;
}

// Counts nodes as if every alias were its anchor's copy: an anchored node's expanded size is known
// when it ends, and each alias adds it.
class Counter final : public YAML::EventHandler
{
public:
    explicit Counter(const std::string &text)
        : m_text(text)
    {
    }

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        const auto it = m_sizes.find(anchor);
        add(mark, it == m_sizes.end() ? 1 : it->second);
    }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor, const std::string &) override
    {
        leaf(mark, anchor);
        const size_t pos = size_t(mark.pos);
        if (pos < m_text.size() && (m_text[pos] == '"' || m_text[pos] == '\'') && !quoteCloses(m_text, pos))
            throw OverBudget{
                {mark.line + 1,
                 QStringLiteral("the quoted value that starts here has no closing %1").arg(QLatin1Char(m_text[pos]))}};
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(mark, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(mark, anchor);
    }
    void OnMapEnd() override { close(); }

private:
    void add(const YAML::Mark &mark, qint64 nodes)
    {
        m_count += nodes;
        if (m_count > YamlBudget::MaxNodes)
            throw OverBudget{
                {mark.line + 1, QStringLiteral("its aliases expand to more than %1 nodes (a real template has "
                                               "thousands): refused, as safe YAML loaders do")
                                    .arg(YamlBudget::MaxNodes)}};
    }
    void leaf(const YAML::Mark &mark, YAML::anchor_t anchor)
    {
        add(mark, 1);
        if (anchor != YAML::NullAnchor)
            m_sizes[anchor] = 1;
    }
    void open(const YAML::Mark &mark, YAML::anchor_t anchor)
    {
        add(mark, 1);
        m_open.push_back({anchor, m_count - 1});
        if (int(m_open.size()) > YamlBudget::MaxDepth)
            throw OverBudget{
                {mark.line + 1,
                 QStringLiteral("it nests collections more than %1 deep: refused").arg(YamlBudget::MaxDepth)}};
    }
    void close()
    {
        if (m_open.empty())
            return;
        const auto [anchor, before] = m_open.back();
        m_open.pop_back();
        if (anchor != YAML::NullAnchor)
            m_sizes[anchor] = m_count - before;
    }

    const std::string &m_text;
    qint64 m_count = 0;
    std::vector<std::pair<YAML::anchor_t, qint64>> m_open;
    std::unordered_map<YAML::anchor_t, qint64> m_sizes;
};

} // namespace

std::optional<YamlBudget::Problem> YamlBudget::check(const std::string &text)
{
    // yaml-cpp takes any bytes, and a scalar that is not UTF-8 made the template reader throw
    // (nlohmann refuses to write one) and end the studio; found by fuzz_template.
    if (!QUtf8StringView(text.data(), qsizetype(text.size())).isValidUtf8()) {
        int line = 1;
        for (size_t start = 0; start < text.size(); ++line) {
            const size_t end = std::min(text.find('\n', start), text.size());
            if (!QUtf8StringView(text.data() + start, qsizetype(end - start)).isValidUtf8())
                break;
            start = end + 1;
        }
        return Problem{line, QStringLiteral("this line is not UTF-8 text; a template is UTF-8 (CloudFormation "
                                            "reads no other encoding): save it as UTF-8")};
    }
    std::istringstream in(text);
    try {
        YAML::Parser parser(in);
        Counter counter(text);
        while (parser.HandleNextDocument(counter)) {
        }
    } catch (const OverBudget &over) {
        return over.problem;
    } catch (const YAML::Exception &) {
        return std::nullopt; // the loader reports the syntax error itself, with its position
    }
    return std::nullopt;
}

} // namespace fn

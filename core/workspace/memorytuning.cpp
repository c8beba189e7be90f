#include "workspace/memorytuning.h"

#include "engine/engine.h"
#include "project/templateeditor.h"

namespace fn {

QList<int> MemoryTuning::memorySizes(const QString &text, QString *error)
{
    QList<int> sizes;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int mb = part.trimmed().toInt(&ok);
        const QString problem = ok ? TemplateEditor::rangeProblem(TemplateEditor::Property::MemorySize, mb)
                                   : QStringLiteral("'%1' is not a whole number of MB").arg(part.trimmed());
        if (!problem.isEmpty()) {
            *error = problem;
            return {};
        }
        if (!sizes.contains(mb))
            sizes << mb;
    }
    if (sizes.isEmpty())
        *error = QStringLiteral("at least one size is needed, e.g. 128,256,512,1024,1769");
    return sizes;
}

bool MemoryTuning::apply(const FunctionConfig &function, int memoryMb, QString *error)
{
    TemplateEditor editor;
    if (editor.load(function.templateFile)
        && editor.setProperty(function.name, TemplateEditor::Property::MemorySize, memoryMb) && editor.save())
        return true;
    *error = QStringLiteral("%1: cannot set MemorySize of %2: %3")
                 .arg(function.templateFile, function.name, editor.errorString());
    return false;
}

QList<TunedSize> MemoryTuning::run(Engine &engine, const FunctionConfig &function, const QByteArray &payload,
                                   const TuningPlan &plan, const Progress &progress, const SizeDone &sizeDone)
{
    const Architecture architecture = architectureNamed(function.architecture);
    QList<TunedSize> sizes;
    for (qsizetype s = 0; s < plan.memorySizes.size(); ++s) {
        FunctionConfig sized = function;
        sized.memoryMb = plan.memorySizes.at(s);
        sized.provisionedConcurrency.reset(); // on-demand, as Power Tuning's invocations are
        InvokeOptions options;
        options.forceCold = plan.cold;
        QList<InvocationRecord> records;
        QString firstError;
        for (int i = 0; i < plan.num; ++i) {
            const InvocationRecord r = engine.invoke(sized, payload, options);
            records << r;
            if (r.failed() && firstError.isEmpty())
                firstError = r.errorType.isEmpty() ? outcomeName(r.outcome) : r.errorType;
            if (progress && !progress(s, i + 1))
                return sizes;
        }
        sizes.append({PowerTuning::summarise(sized.memoryMb, records, architecture, plan.discard), firstError});
        if (sizeDone)
            sizeDone(s);
    }
    return sizes;
}

} // namespace fn

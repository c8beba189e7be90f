#pragma once
// Power tuning's invocations: a function run N times at each of several memory sizes, one size after
// the other (on-demand, as Power Tuning's are; a size's first invocation starts cold because its
// configuration differs), each size summarised by PowerTuning. One runner for `fnstudio-cli tune` and
// the studio's Tune Memory dialog. It blocks, so the studio runs it off the GUI thread.

#include "metrics/powertuning.h"
#include "project/functionconfig.h"

#include <QByteArray>
#include <QList>

#include <functional>

namespace fn {

class Engine;

struct TuningPlan
{
    QList<int> memorySizes;
    int num = 10;
    bool cold = false;    // every invocation a cold start
    double discard = 0.2; // trimmed from each end before the mean
};

struct TunedSize
{
    PowerTuning::SizeResult result;
    QString firstError; // the first failed invocation's error type, if any
};

class MemoryTuning final
{
public:
    // After each invocation: the index of its size and how many of that size are done. Returning
    // false stops the run; the sizes finished by then are returned, an unfinished one is not.
    using Progress = std::function<bool(qsizetype size, int done)>;
    // After each size, e.g. to end every environment before the next (the CLI does).
    using SizeDone = std::function<void(qsizetype size)>;

    // "128, 256,1769" as sizes in MB, each in Lambda's range, duplicates dropped; empty with *error
    // set (what is wrong) when the text is not such a list.
    static QList<int> memorySizes(const QString &text, QString *error);

    // Writes memoryMb as the function's MemorySize into its template, everything else kept; false
    // with *error (the template's file and why) when it could not.
    static bool apply(const FunctionConfig &function, int memoryMb, QString *error);

    static QList<TunedSize> run(Engine &engine, const FunctionConfig &function, const QByteArray &payload,
                                const TuningPlan &plan, const Progress &progress = {}, const SizeDone &sizeDone = {});
};

} // namespace fn

// The SAM template reader with its intrinsics (!Ref, !Sub, !GetAtt, !If, Globals, Parameters), as a
// project folder would give it: whatever the bytes, it returns; a template it refuses says why and
// where; the functions it reads have names.

#include "fuzzinput.h"
#include "project/samtemplate.h"

#include <QDir>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = QDir::temp().filePath(QStringLiteral("fnstudio-fuzz-template/template.yaml"));
    const std::string_view in = fn::fuzz::text(data, size);
    fn::SamTemplate t;
    const bool read = t.parse(QByteArray(in.data(), qsizetype(in.size())), path);
    fn::fuzz::expect(read || !t.errors().isEmpty(), "a refused template says why");
    for (const fn::Diagnostic &d : t.errors())
        fn::fuzz::expect(!d.message.isEmpty() && d.line >= 0, "each error has a message and a line (or 0)");
    for (const fn::FunctionConfig &f : t.functions())
        fn::fuzz::expect(!f.name.isEmpty(), "a function has a name");
    return 0;
}

// An env-vars file (`sam local --env-vars` JSON) read and applied to a function: a refusal says
// why and where; what is applied stays within the names and sizes Lambda allows or is reported.

#include "fuzzinput.h"
#include "project/envvarsfile.h"
#include "project/functionconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = fn::fuzz::text(data, size);
    fn::EnvVarsFile file;
    if (!file.parse(QByteArray(in.data(), qsizetype(in.size())), QStringLiteral("env.json"))) {
        fn::fuzz::expect(!file.errors().isEmpty(), "a refused env-vars file says why");
        return 0;
    }
    for (const QString &section : file.functionSections()) {
        fn::FunctionConfig function;
        function.name = section;
        function.environment = {{QStringLiteral("TABLE"), QStringLiteral("orders")}};
        QList<fn::Diagnostic> errors;
        file.applyTo(function, &errors);
        for (const fn::Diagnostic &d : errors)
            fn::fuzz::expect(!d.message.isEmpty(), "each error has a message");
    }
    return 0;
}

#include "clicommand.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fnstudio-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("fnstudio"));
    return fn::cli::run(QCoreApplication::arguments());
}

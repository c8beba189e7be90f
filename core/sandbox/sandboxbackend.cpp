// SandboxBackend::detect(): the strongest backend this machine allows, or the one FN_SANDBOX_BACKEND names.

#include "bubblewrap.h"
#include "cgroupv1group.h"
#include "cgroupv2group.h"
#include "resourcegroup.h"
#include "rlimitgroup.h"

namespace fn {

QString SandboxBackend::namespaceIsolation()
{
    if (Bubblewrap::executable().isEmpty())
        return QStringLiteral("no namespaces (bubblewrap not found)");
    return QStringLiteral("bubblewrap namespaces (user, pid, ipc, uts, mount)");
}

std::unique_ptr<SandboxBackend> SandboxBackend::detect()
{
    // bubblewrap's version decides some of its arguments: asked here, once, rather than in the
    // first environment's start.
    Bubblewrap::version();
    const QByteArray forced = qgetenv("FN_SANDBOX_BACKEND").trimmed().toLower();
    QString whyV2;
    QString whyV1;
    if (forced == "rlimit")
        return std::make_unique<RlimitBackend>(QStringLiteral("FN_SANDBOX_BACKEND=rlimit"));
    if (forced.isEmpty() || forced == "v2") {
        if (auto v2 = CgroupV2Backend::create(&whyV2)) {
            v2->removeStaleGroups(); // environments of studios that crashed
            return v2;
        }
    }
    if (forced.isEmpty() || forced == "v1") {
        if (auto v1 = CgroupV1Backend::create(&whyV1)) {
            v1->removeStaleGroups(); // environments of studios that crashed
            return v1;
        }
    }
    // A forced backend that is unavailable falls back to the weakest one, and says why.
    QStringList reasons;
    if (!forced.isEmpty() && forced != "v1" && forced != "v2")
        reasons << QStringLiteral("unknown FN_SANDBOX_BACKEND=%1").arg(QString::fromLatin1(forced));
    if (!whyV2.isEmpty())
        reasons << whyV2;
    if (!whyV1.isEmpty())
        reasons << whyV1;
    return std::make_unique<RlimitBackend>(reasons.join(QStringLiteral("; ")));
}

} // namespace fn

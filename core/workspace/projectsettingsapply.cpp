#include "workspace/projectsettingsapply.h"

#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "engine/engine.h"

namespace fn {

void applyProjectSettings(const ProjectSettings &settings, Engine &engine, AsyncQueue *queue,
                          const ProjectSettings *inForce)
{
    engine.setAccountConcurrencyLimit(settings.accountConcurrency);
    engine.setIdleTimeoutMs(qint64(settings.idleTimeoutSeconds * 1000));
    // A manual clock (tests) stays manual; otherwise real time, or accelerated for a class.
    const bool clockSettingChanged = !inForce || inForce->clockSpeed != settings.clockSpeed;
    if (const auto clock = engine.clock(); clock && clockSettingChanged && clock->mode() != Clock::Mode::Manual) {
        if (settings.clockSpeed > 1)
            clock->setSpeed(settings.clockSpeed);
        else
            clock->setReal();
    }
    if (queue)
        queue->setLegacyPayloadLimit(settings.legacyAsyncPayloadLimit);
}

} // namespace fn

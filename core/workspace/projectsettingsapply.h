#pragma once
// Puts a project's studio settings into force on an engine (and its async queue, when there is one).
// Given the settings already in force (a reload), the clock stays as the user set it unless the
// project's own clock speed changed.

#include "project/projectsettings.h"

namespace fn {

class AsyncQueue;
class Engine;

void applyProjectSettings(const ProjectSettings &settings, Engine &engine, AsyncQueue *queue = nullptr,
                          const ProjectSettings *inForce = nullptr);

} // namespace fn

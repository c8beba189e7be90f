#pragma once
// Puts a project's studio settings into force on an engine (and its async queue, when there is one).

#include "project/projectsettings.h"

namespace fn {

class AsyncQueue;
class Engine;

void applyProjectSettings(const ProjectSettings &settings, Engine &engine, AsyncQueue *queue = nullptr);

} // namespace fn

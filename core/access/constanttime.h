#pragma once
// Comparing secrets (signatures, tokens) in time that does not depend on where they first differ.

#include <string_view>

namespace fn {

bool constantTimeEquals(std::string_view a, std::string_view b);

} // namespace fn

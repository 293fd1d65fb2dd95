// A header that breaks the compute core's rule on purpose: the header check must reject it.
#pragma once
#include <nlohmann/json.hpp>

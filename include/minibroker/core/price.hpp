#pragma once
// Prices and quantities are integers: a price counts ticks, a quantity counts units (shares,
// contracts). Tick size and lot size live on the instrument; decimal text converts at the edges
// (see decimal.hpp).

#include "minibroker/core/strong_int.hpp"

namespace minibroker {

using price = strong_count<struct price_tag>;
using quantity = strong_count<struct quantity_tag>;

} // namespace minibroker

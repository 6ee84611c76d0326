#pragma once
// For the steady-state allocation tests: a test program that links counting_new.cpp replaces the
// global operator new and delete (every form that malloc backs, so that each new is freed by its
// own delete, also under AddressSanitizer) and counts every allocation.

namespace minibroker::test {

// Allocations through any replaced operator new since the program started; any thread.
long allocations() noexcept;

// Makes the next allocation through a throwing (plain) operator new throw std::bad_alloc.
void fail_next_allocation() noexcept;

} // namespace minibroker::test

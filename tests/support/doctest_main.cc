// The tests catch signals themselves, so doctest must not install crash handlers for them (they
// would become the "previous disposition" the library chains to).
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

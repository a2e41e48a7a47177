#include "util/version.h"

#if __has_include("cammio_version.inc")
#include "cammio_version.inc"  // generated into the build tree
#else
#define CAMMIO_FULL_VERSION CAMMIO_VERSION
#endif

namespace cammio {
namespace {
// A what(1)-style marker: firmware/build-deb finds the version in the binary
// (of any architecture) without running it.
constexpr const char kMarker[] = "@(#)cammio-version " CAMMIO_FULL_VERSION;
constexpr int kMarkerPrefix = sizeof("@(#)cammio-version ") - 1;
}  // namespace

const char* CammioVersion() { return kMarker + kMarkerPrefix; }

}  // namespace cammio

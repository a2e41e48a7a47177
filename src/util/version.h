// The version of this build: VERSION (the release, "X.Y.Z") with what git
// describe adds in a checkout ("X.Y.Z+N.gSHA" or "X.Y.Z+gSHA"; see
// cmake/VersionScript.cmake). `cammio version`, GET /healthz, GET /metrics
// (cammio_build_info), backup manifests and the Debian package (which reads
// it from the binary: firmware/build-deb) all show this one string.
// The macro CAMMIO_VERSION is the bare release "X.Y.Z" (for builds outside
// CMake, e.g. tools/fuzz).
//
// Thread-safety: a constant.
#pragma once

namespace cammio {

// Never null; a static string.
const char* CammioVersion();

}  // namespace cammio

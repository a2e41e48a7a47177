// What is left of deleting data outside the store: unlinking the media files
// that store/erase.h's Eraser listed, once its transaction has committed.
// (The rows are deleted by store/erase.h, the one owner of multi-table
// deletes.)
//
// Thread-safety: plain functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/db.h"

namespace cammio::ops {

// Unlinks `files`; returns how many could not be removed (logged). Files
// already gone count as removed.
int64_t UnlinkFiles(const std::vector<std::string>& files);

}  // namespace cammio::ops

// The POSIX file helpers (src/util/fs.h): errno -> Status mapping, atomic
// writes, listings and the streaming SHA-256.
#include "util/fs.h"

#include <doctest/doctest.h>
#include <errno.h>

#include "testing/test_support.h"
#include "util/crypto.h"

namespace cammio {
namespace {

TEST_CASE("util fs: errno maps onto the storage statuses") {
  CHECK(ErrnoStatus(ENOSPC, "x").code() == Status::Code::kInsufficientStorage);
  CHECK(ErrnoStatus(EROFS, "x").code() == Status::Code::kUnavailable);
  CHECK(ErrnoStatus(ENOENT, "x").code() == Status::Code::kNotFound);
  CHECK(ErrnoStatus(EIO, "x").code() == Status::Code::kIoError);
  CHECK(ErrnoStatus(EIO, "reading f").details().find("reading f") != std::string::npos);
}

TEST_CASE("util fs: DirName") {
  CHECK(DirName("a/b/c") == "a/b");
  CHECK(DirName("c") == ".");
}

TEST_CASE("util fs: atomic write, listing, size and removal") {
  testing::TempDir dir;
  const std::string sub = dir.path() + "/x/y";
  REQUIRE(MakeDirs(sub).ok());
  CHECK(IsDirectory(sub));
  REQUIRE(WriteFileAtomic(sub + "/f.txt", "hello").ok());
  CHECK_FALSE(PathExists(sub + "/f.txt.tmp"));
  auto text = ReadWholeFile(sub + "/f.txt");
  REQUIRE(text.ok());
  CHECK(*text == "hello");
  auto size = FileSize(sub + "/f.txt");
  REQUIRE(size.ok());
  CHECK(*size == 5);
  auto files = ListFiles(dir.path());
  REQUIRE(files.ok());
  REQUIRE(files->size() == 1);
  CHECK(files->front() == "x/y/f.txt");
  CHECK(ReadWholeFile(dir.path() + "/missing").status().code() == Status::Code::kNotFound);
  REQUIRE(RemoveTree(dir.path() + "/x").ok());
  CHECK_FALSE(PathExists(sub));
  CHECK(RemoveFile(dir.path() + "/missing").ok());
}

TEST_CASE("util fs: Sha256Stream equals the one-shot digest") {
  Sha256Stream h;
  h.Update("hel", 3);
  h.Update("lo", 2);
  CHECK(h.FinishHex() == HexEncode(Sha256("hello")));
  CHECK(HexEncode(Sha256("hello")) ==
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

}  // namespace
}  // namespace cammio

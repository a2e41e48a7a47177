// Stmt's column reads (store/db.h): Text, OptText, Int, OptInt and IsNull on
// NULL, empty, text, blob (with a zero byte) and integer values, and a text
// read after another read of the same column, as the row types read them.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "store/db.h"

namespace cammio {
namespace {

constexpr char kColumns[] =
    "SELECT NULL, '', 'caf\xC3\xA9', x'610062', 42, -7, '17', 3.5, "
    "CAST('' AS BLOB)";

TEST_CASE("store: Stmt reads NULL, empty, text, blob, integer and converted columns") {
  // A connection of its own (in memory): no schema is needed.
  auto opened = Db::Open(":memory:", Db::Options());
  REQUIRE(opened.ok());
  Db& db = **opened;
  Status s = [&db] {
    Stmt st = db.Prepare(kColumns);
    Status r;
    if (!st.Step(&r)) return r.ok() ? Status::Internal("no row") : r;
    CHECK(st.IsNull(0));
    CHECK(st.Text(0).empty());
    CHECK(st.OptText(0) == std::nullopt);
    CHECK(st.Int(0) == 0);
    CHECK(st.OptInt(0) == std::nullopt);

    CHECK_FALSE(st.IsNull(1));
    CHECK(st.OptText(1) == std::optional<std::string>(""));
    CHECK(st.Text(1).empty());

    CHECK(st.Text(2) == "caf\xC3\xA9");
    CHECK(st.OptText(2) == std::optional<std::string>("caf\xC3\xA9"));

    CHECK(st.Text(3) == std::string("a\0b", 3));
    CHECK(st.OptText(3) == std::optional<std::string>(std::string("a\0b", 3)));

    CHECK(st.Int(4) == 42);
    CHECK(st.OptInt(4) == std::optional<int64_t>(42));
    CHECK(st.Text(4) == "42");  // converted, as SQLite converts
    CHECK(st.OptInt(5) == std::optional<int64_t>(-7));
    CHECK(st.OptInt(6) == std::optional<int64_t>(17));
    CHECK(st.Text(6) == "17");
    CHECK(st.OptInt(7) == std::optional<int64_t>(3));

    CHECK_FALSE(st.IsNull(8));
    CHECK(st.OptText(8) == std::optional<std::string>(""));
    CHECK_FALSE(st.Step(&r));
    return r;
  }();
  CHECK(s.ok());
}

}  // namespace
}  // namespace cammio

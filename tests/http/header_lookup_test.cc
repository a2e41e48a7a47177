// http/header_lookup.h against cpp-httplib's own lookups (has_header,
// get_header_value, get_header_value_count) on the same maps: names in any
// case, repeated fields, names of one length, non-ASCII bytes (which do not
// fold), NUL bytes in values, and a flood of fields.
#include "http/header_lookup.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace cammio::http {
namespace {

// Every answer of ours for `name` equals cpp-httplib's.
void CheckSame(const httplib::Request& req, const std::string& name) {
  CAPTURE(name);
  CHECK(HasHeader(req.headers, name) == req.has_header(name));
  CHECK(HeaderValue(req.headers, name) == req.get_header_value(name));
  std::vector<std::string> theirs;
  for (size_t i = 0; i < req.get_header_value_count(name); ++i) {
    theirs.push_back(req.get_header_value(name, i));
  }
  CHECK(HeaderValues(req.headers, name) == theirs);
  const std::string* first = FindHeader(req.headers, name);
  if (req.has_header(name)) {
    REQUIRE(first != nullptr);
    CHECK(*first == req.headers.equal_range(name).first->second);  // the whole value
  } else {
    CHECK(first == nullptr);
  }
}

TEST_CASE("header lookup: known fields in any case, repeated, with NUL bytes") {
  httplib::Request req;
  req.headers.emplace("Content-Length", "12");
  req.headers.emplace("X-Forwarded-For", "10.0.0.1");
  req.headers.emplace("x-forwarded-for", "10.0.0.2");
  req.headers.emplace("X-FORWARDED-FOR", "10.0.0.3");
  req.headers.emplace("Authorization", std::string("Basic QUJD\0tail", 15));
  req.headers.emplace("\xc4x", "upper A-umlaut");
  CHECK(HeaderValue(req.headers, "content-length") == "12");
  CHECK(HeaderValues(req.headers, "X-Forwarded-for") ==
        std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"});
  CHECK(HeaderValue(req.headers, "AUTHORIZATION") == "Basic QUJD");  // up to the NUL
  CHECK(FindHeader(req.headers, "authorization")->size() == 15);
  CHECK_FALSE(HasHeader(req.headers, "\xe4x"));  // only A-Z fold
  CHECK_FALSE(HasHeader(req.headers, "Content-Lengt"));
  CHECK_FALSE(HasHeader(req.headers, "Content-Length "));
  for (const char* name : {"content-length", "X-Forwarded-For", "x-forwarded-FOR", "Authorization",
                           "\xc4x", "\xe4x", "\xc4X", "", "Transfer-Encoding", "Content-Lengt"}) {
    CheckSame(req, name);
  }
}

TEST_CASE("header lookup: random maps answer as cpp-httplib does") {
  std::mt19937 rng(20261207);
  // Short names from a small alphabet, so equal lengths and case twins abound.
  const std::string letters = "aAbBzZ-_\xc4\xe4@[`{";
  auto name = [&] {
    std::string n(1 + rng() % 3, ' ');
    for (char& c : n) c = letters[rng() % letters.size()];
    return n;
  };
  for (int round = 0; round < 300; ++round) {
    httplib::Request req;
    const int fields = static_cast<int>(rng() % 12);
    for (int i = 0; i < fields; ++i) {
      std::string value = "v" + std::to_string(i);
      if (rng() % 5 == 0) value += std::string(1, '\0') + "hidden";
      req.headers.emplace(name(), value);
    }
    for (int q = 0; q < 20; ++q) CheckSame(req, name());
  }
}

TEST_CASE("header lookup: a flood of fields") {
  httplib::Request req;
  for (int i = 0; i < 5000; ++i) req.headers.emplace("X-Flood-" + std::to_string(i % 700), "x");
  req.headers.emplace("Accept", "application/xml");
  CheckSame(req, "accept");
  CheckSame(req, "X-FLOOD-699");
  CheckSame(req, "X-Flood-700");
  CHECK(HeaderValues(req.headers, "x-flood-5").size() == 8);
}

}  // namespace
}  // namespace cammio::http

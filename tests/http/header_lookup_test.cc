// http/header_lookup.h against cpp-httplib's own lookups (has_header,
// get_header_value, get_header_value_count) on the same maps: names in any
// case, repeated fields, names of one length, non-ASCII bytes (Latin-1
// capitals fold, as cpp-httplib folds them), NUL bytes in values, and a
// flood of fields; and KeepFieldOrder.
#include "http/header_lookup.h"

#include <doctest/doctest.h>

#include <algorithm>
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
    theirs.push_back(req.get_header_value(name, "", i));
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
  // Fields of one name come in the map's order (cpp-httplib's Headers is
  // unordered); KeepFieldOrder below is what restores arrival order.
  std::vector<std::string> forwarded = HeaderValues(req.headers, "X-Forwarded-for");
  std::sort(forwarded.begin(), forwarded.end());
  CHECK(forwarded == std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"});
  CHECK(HeaderValue(req.headers, "AUTHORIZATION") == "Basic QUJD");  // up to the NUL
  CHECK(FindHeader(req.headers, "authorization")->size() == 15);
  CHECK(HasHeader(req.headers, "\xe4x"));  // cpp-httplib 0.18.7 folds Latin-1 capitals too
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

// The head as a client sends it, and the map cpp-httplib makes of it.
httplib::Headers Parsed(const std::vector<std::pair<std::string, std::string>>& fields,
                        std::string* head) {
  *head = "GET / HTTP/1.1\r\n";
  httplib::Headers headers;
  for (const auto& [name, raw] : fields) {
    *head += name + ":" + raw + "\r\n";
    std::string value = raw;
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    headers.emplace(name, httplib::detail::decode_url(value, false));
  }
  *head += "\r\n";
  return headers;
}

TEST_CASE("header lookup: KeepFieldOrder joins repeated forwarding fields in arrival order") {
  std::vector<std::pair<std::string, std::string>> fields = {{"Host", " a"}};
  // Enough other fields that the unordered map rehashes between the
  // forwarding fields (which is when it reorders fields of one name).
  for (int i = 0; i < 40; ++i) fields.emplace_back("X-F" + std::to_string(i), " v");
  const std::vector<std::string> hops = {"198.51.100.1", "10.0.0.1", "10.0.0.2",
                                         "10.0.0.3",     "10.0.0.4", "10.0.0.5"};
  for (size_t i = 0; i < hops.size(); ++i) {
    fields.insert(fields.begin() + static_cast<long>(1 + 7 * i),
                  {i % 2 ? "x-forwarded-for" : "X-Forwarded-For", " " + hops[i] + " \t"});
  }
  fields.emplace_back("Forwarded", " for=192.0.2.60");
  fields.emplace_back("Forwarded", "for=%22[2001:db8::1]%22");
  fields.emplace_back("Accept", "*/*");
  std::string head;
  httplib::Headers headers = Parsed(fields, &head);
  KeepFieldOrder(head, &headers);
  CHECK(HeaderValues(headers, "X-Forwarded-For") ==
        std::vector<std::string>{"198.51.100.1, 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5"});
  CHECK(headers.find("X-Forwarded-For")->first == "X-Forwarded-For");  // as first written
  // Values as cpp-httplib stores them: percent-decoded.
  CHECK(HeaderValues(headers, "forwarded") ==
        std::vector<std::string>{"for=192.0.2.60, for=\"[2001:db8::1]\""});
  CHECK(HeaderValue(headers, "Accept") == "*/*");
  CHECK(headers.size() == 1 + 40 + 1 + 1 + 1);
}

TEST_CASE("header lookup: KeepFieldOrder leaves single fields and other names alone") {
  std::string head;
  httplib::Headers headers = Parsed({{"X-Forwarded-For", " 10.0.0.1, 10.0.0.2"},
                                     {"Forwarded", " for=192.0.2.1"},
                                     {"X-Other", " 1"},
                                     {"X-Other", " 2"}},
                                    &head);
  const httplib::Headers before = headers;
  KeepFieldOrder(head, &headers);
  CHECK(headers == before);
}

}  // namespace
}  // namespace cammio::http

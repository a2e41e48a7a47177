// DocWriter (format/doc_writer.h) writes the bytes that RenderJson/RenderXml
// give for the same document built as a Value: for every kind of leaf, for
// strings that need escaping or repair, for empty and nested containers, for
// top-level lists, and for random documents of random bytes. Its tree form
// equals the tree built by hand.
#include "format/doc_writer.h"

#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <string>

#include "util/time.h"

namespace cammio {
namespace {

using Events = std::function<void(DocWriter&)>;

// The three forms of one document agree: text == Render(tree) in both formats.
void CheckSame(const Events& events, std::string_view list_root = "") {
  const Value tree = BuildValue(events);
  DocWriter json(Format::kJson);
  events(json);
  CHECK(json.Take() == RenderJson(tree));
  DocWriter xml(Format::kXml);
  events(xml);
  CHECK(xml.Take() == RenderXml(tree, list_root));
}

const char* const kStrings[] = {
    "",
    "plain",
    "quote \" backslash \\ slash /",
    "\b\t\n\f\r",
    "\x01\x1f\x7f end",
    "   ",
    "\n",
    "<tag> & </tag>",
    "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
    "bad \xC3 utf-8 \xFF\xFE",
    "nonchar \xEF\xBF\xBE",
};

TEST_CASE("doc writer: every leaf, escape and container as Render gives it") {
  Value params = Value::Object();
  params.Set("a", Value::Double(1.5)).Set("b", Value::Array().Push(Value::Int(1)));
  CheckSame([&](DocWriter& w) {
    w.BeginObject("vacancy");
    w.Int("id", 42);
    w.Int("neg", -7);
    w.Int("min", INT64_MIN);
    w.Bool("yes", true);
    w.Bool("no", false);
    w.Null("nothing");
    w.Datetime("at", "2026-11-06T00:00:00Z");
    w.StringOrNull("opt", std::nullopt);
    w.IntOrNull("opt_int", 3);
    int i = 0;
    for (const char* s : kStrings) w.String("s" + std::to_string(i++), s);
    w.Tree("params", params);
    w.Tree("null_tree", Value());
    w.BeginObject("inner");
    w.String("x", "y");
    w.EndObject();
    w.BeginObject("empty_inner");
    w.EndObject();
    w.BeginArray("none");
    w.EndArray();
    w.BeginArray("items");
    w.BeginObject("item");
    w.Int("id", 1);
    w.BeginArray("deeper");
    w.BeginObject("leaf");
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.BeginObject("item");
    w.EndObject();
    w.EndArray();
    w.EndObject();
  });
}

TEST_CASE("doc writer: members either side of the size written at once, and UtcDatetime") {
  // JsonLeaf puts a member together in a 256-byte buffer when it fits and
  // needs no escape: plain and escaped keys and values around that size.
  CheckSame([&](DocWriter& w) {
    w.BeginObject("sizes");
    for (size_t n = 230; n < 262; ++n) {
      w.String("k" + std::to_string(n), std::string(n, 'a'));
      w.String(std::string(n, 'k'), "v");
      w.String("e" + std::to_string(n), std::string(n, 'a') + "\"");
      w.Int(std::string(n, 'i'), static_cast<int64_t>(n));
      w.Null(std::string(n, 'n'));
    }
    w.EndObject();
  });
  // UtcDatetime is Datetime(FormatUtc(epoch)), in every form.
  for (int64_t t : {int64_t{0}, int64_t{1700000000}, int64_t{-1}, int64_t{253402300800}}) {
    CAPTURE(t);
    for (Format f : {Format::kJson, Format::kXml}) {
      DocWriter a(f), b(f);
      for (DocWriter* w : {&a, &b}) w->BeginObject("x");
      a.UtcDatetime("at", t);
      b.Datetime("at", FormatUtc(t));
      for (DocWriter* w : {&a, &b}) w->EndObject();
      CHECK(a.Take() == b.Take());
    }
    const Value tree = BuildValue([&](DocWriter& w) {
      w.BeginObject("x");
      w.UtcDatetime("at", t);
      w.EndObject();
    });
    CHECK(RenderJson(tree) ==
          RenderJson(Value::Wrap("x", Value::Object().Set("at", Value::Datetime(FormatUtc(t))))));
  }
}

TEST_CASE("doc writer: a byte that needs care at every place of a string of every length") {
  const std::string specials[] = {std::string(1, '\0'),
                                  "\x1f",
                                  "\"",
                                  "\\",
                                  "\x80",
                                  "\xC3\xA9",
                                  "\x7f",
                                  " ",
                                  "\t",
                                  "&",
                                  "<",
                                  ">",
                                  "\r",
                                  "\xEF\xBF\xBE"};
  for (const std::string& special : specials) {
    for (size_t len = 0; len <= 40; ++len) {
      for (size_t at = 0; at <= len; ++at) {
        std::string s(len, 'a');
        s.insert(at, special);
        CAPTURE(len);
        CAPTURE(at);
        CheckSame([&s](DocWriter& w) {
          w.BeginObject("o");
          w.String("s", s);
          w.String(s, "as a key");
          w.BeginObject("o" + s);  // as an object's key, an item's name, an array's key
          w.EndObject();
          w.BeginArray("l");
          w.BeginObject(s);
          w.Int("i", 1);
          w.EndObject();
          w.EndArray();
          w.BeginArray("a" + s);
          w.EndArray();
          w.EndObject();
        });
      }
    }
  }
}

TEST_CASE("doc writer: plain keys and values of every length up to past the short copies") {
  // JsonLeaf tests and copies short text in fixed-size words (up to 8, 16
  // and 32 bytes): distinct bytes at every length show a byte copied to the
  // wrong place or left out, in a string, a datetime, and a key of each kind
  // of leaf.
  for (size_t len = 0; len <= 70; ++len) {
    static const std::string kPlain =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+ ";
    std::string s;
    for (size_t i = 0; i < len; ++i) s += kPlain[(i * 7 + len) % kPlain.size()];
    CAPTURE(len);
    CheckSame([&s](DocWriter& w) {
      w.BeginObject("o");
      w.String("s", s);
      w.Datetime("d", s);
      w.String(s, s);  // distinct keys: the tree keeps one member per key
      w.Int("i" + s, static_cast<int64_t>(s.size()));
      w.Null("n" + s);
      w.Bool("b" + s, true);
      w.BeginArray("a" + s);
      w.BeginObject(s);
      w.EndObject();
      w.EndArray();
      w.EndObject();
    });
  }
}

TEST_CASE("doc writer: text of spaces only, of every length") {
  // XML writes such text as character references (a parser would take it
  // for indentation), so it leaves the path of plain text.
  for (size_t len = 0; len <= 40; ++len) {
    const std::string spaces(len, ' ');
    CAPTURE(len);
    CheckSame([&spaces](DocWriter& w) {
      w.BeginObject("o");
      w.String("s", spaces);
      w.String("t", spaces + "x");
      w.Datetime("d", spaces);
      w.EndObject();
    });
  }
}

TEST_CASE("doc writer: top-level lists, empty and not") {
  CheckSame(
      [](DocWriter& w) {
        w.BeginArray("interviews");
        w.EndArray();
      },
      "interviews");
  CheckSame(
      [](DocWriter& w) {
        w.BeginArray("interviews");
        for (int i = 0; i < 3; ++i) {
          w.BeginObject("interview");
          w.Int("id", i);
          w.String("name", "n<" + std::to_string(i) + ">");
          w.EndObject();
        }
        w.EndArray();
      },
      "interviews");
}

TEST_CASE("doc writer: the tree equals one built by hand") {
  const Value built = BuildValue([](DocWriter& w) {
    w.BeginObject("guest");
    w.Int("id", 5);
    w.String("name", "Ann");
    w.BeginArray("list");
    w.BeginObject("x");
    w.Null("y");
    w.EndObject();
    w.EndArray();
    w.EndObject();
  });
  Value x = Value::Object();
  x.Set("y", Value::Null());
  Value inner = Value::Object();
  inner.Set("id", Value::Int(5));
  inner.Set("name", Value::String("Ann"));
  inner.Set("list", Value::Array().Push(Value::Wrap("x", std::move(x))));
  const Value hand = Value::Wrap("guest", std::move(inner));
  CHECK(RenderJson(built) == RenderJson(hand));
  CHECK(RenderXml(built, "") == RenderXml(hand, ""));
}

// A random document: nested objects and arrays of wrapped objects, leaves
// of random bytes (any byte, so escapes and repairs of every kind occur).
void RandomObject(std::mt19937& rng, DocWriter& w, int depth) {
  auto bytes = [&rng] {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    return s;
  };
  const int n = static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) {
    const std::string key = "k" + std::to_string(i);
    switch (rng() % 8) {
      case 0:
        w.Int(key, static_cast<int64_t>(rng()) - (1LL << 31));
        break;
      case 1:
        w.Bool(key, rng() % 2 == 0);
        break;
      case 2:
        w.Null(key);
        break;
      case 3:
        w.Datetime(key, bytes());
        break;
      case 4:
        if (depth < 3) {
          w.BeginObject(key);
          RandomObject(rng, w, depth + 1);
          w.EndObject();
          break;
        }
        [[fallthrough]];
      case 5:
        if (depth < 3) {
          w.BeginArray(key);
          for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
            w.BeginObject("e" + std::to_string(k));
            RandomObject(rng, w, depth + 1);
            w.EndObject();
          }
          w.EndArray();
          break;
        }
        [[fallthrough]];
      default:
        w.String(key, bytes());
    }
  }
}

TEST_CASE("doc writer: random documents of random bytes") {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    CAPTURE(seed);
    CheckSame([seed](DocWriter& w) {
      std::mt19937 rng(seed);
      w.BeginObject("doc");
      RandomObject(rng, w, 0);
      w.EndObject();
    });
  }
}

}  // namespace
}  // namespace cammio

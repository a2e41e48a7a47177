// Translations of the web pages. Each language is one embedded JSON file,
// src/web/assets/i18n/<lang>.json (flat {"key": "text"}); the server renders
// its pages from it and hands the same file to the pages' scripts, so every
// text has one source. English is complete; other languages fall back to
// English key by key. Texts may hold {name} placeholders (Format below).
//
// Thread-safety: the tables are parsed once (static init on first use) and
// immutable afterwards; all functions are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cammio::web {

// "en", "nl": a language with a translation file.
bool HasLanguage(std::string_view lang);

// The page language: the vacancy's language when it has a translation
// ("nl", "NL", "nl-BE", "nl_NL" all mean "nl"), else the first translated
// language of `accept_language` (the browser's Accept-Language), else "en".
std::string PickLanguage(const std::optional<std::string>& vacancy_language,
                         std::string_view accept_language);

// The text for `key` in `lang` (English when missing; the key itself when
// English lacks it too, so a missing text is visible, not empty).
std::string Text(std::string_view lang, std::string_view key);

// Text() with each {name} replaced by its value (values are plain text;
// escaping for HTML is the caller's job).
std::string Format(std::string_view lang, std::string_view key,
                   const std::vector<std::pair<std::string, std::string>>& vars);

// The language's table as JSON for a page script (English merged under it),
// safe to place inside <script type="application/json">.
std::string StringsJson(std::string_view lang);

}  // namespace cammio::web

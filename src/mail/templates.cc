#include "mail/templates.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <utility>
#include <vector>

#include "cammio/document.h"
#include "format/html.h"
#include "mail/message.h"
#include "util/time.h"

namespace cammio::mail {
namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

// `tmpl` with every "{name}" replaced by its value; the result HTML-escaped
// (values and template text alike) when `html`. A "{" that starts no known
// name is text; values are not searched for names again. Runs of template
// text are copied (escaped) at once: composing an invitation fills ~20 of
// these per POST /api/invitations.
std::string Fill(const std::string& tmpl, const Vars& vars, bool html) {
  std::string out;
  out.reserve(tmpl.size() + 64);
  auto append = [&](std::string_view text) {
    if (html) {
      out += HtmlEscape(text);
    } else {
      out.append(text);
    }
  };
  const std::string_view t(tmpl);
  size_t run = 0;  // the template text from here on is not copied yet
  size_t i = t.find('{');
  while (i != std::string_view::npos) {
    const size_t close = t.find('}', i);
    if (close == std::string_view::npos) break;
    const std::string_view name = t.substr(i + 1, close - i - 1);
    const std::string* value = nullptr;
    for (const auto& [k, v] : vars) {
      if (k == name) {
        value = &v;
        break;
      }
    }
    if (value == nullptr) {  // text: look again from the next character
      i = t.find('{', i + 1);
      continue;
    }
    append(t.substr(run, i - run));
    append(*value);
    run = close + 1;
    i = t.find('{', run);
  }
  append(t.substr(run));
  return out;
}

// Escaped text with line breaks as <br>.
std::string HtmlLines(const std::string& escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\r') {
      if (i + 1 < escaped.size() && escaped[i + 1] == '\n') ++i;
      out += "<br>\n";
    } else if (escaped[i] == '\n') {
      out += "<br>\n";
    } else {
      out += escaped[i];
    }
  }
  return out;
}

// Splits free text into paragraphs at blank lines (any line ending).
std::vector<std::string> Paragraphs(const std::string& text) {
  std::string norm;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      norm += '\n';
    } else {
      norm += text[i];
    }
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (start < norm.size()) {
    size_t end = norm.find("\n\n", start);
    std::string p = norm.substr(start, end == std::string::npos ? end : end - start);
    while (!p.empty() && (p.back() == '\n' || p.back() == ' ')) p.pop_back();
    while (!p.empty() && p.front() == '\n') p.erase(0, 1);
    if (!p.empty()) out.push_back(p);
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

// The shape every email shares: paragraphs, the optional free text of the
// recruiter, the link (as a button in HTML), more paragraphs, a closing.
struct Layout {
  std::string subject;
  std::vector<std::string> before;  // templates
  std::optional<std::string> free_text;
  std::string link_intro;  // template
  std::string button;
  std::string link;
  std::vector<std::string> after;  // templates
  std::string closing;             // template, may hold a line break
};

struct Phrases {
  const char* lang_tag;
  const char* copy_hint;
};

const Phrases& PhrasesFor(Language lang) {
  static const Phrases kEn = {"en",
                              "If the button does not work, copy this link into your browser:"};
  static const Phrases kNl = {"nl", "Werkt de knop niet? Kopieer dan deze link naar je browser:"};
  return lang == Language::kDutch ? kNl : kEn;
}

Content Render(Language lang, const Layout& l, const Vars& vars) {
  const Phrases& ph = PhrasesFor(lang);
  Content c;
  c.subject = Fill(l.subject, vars, false);

  std::vector<std::string> text;
  for (const auto& p : l.before) text.push_back(Fill(p, vars, false));
  std::vector<std::string> free;
  if (l.free_text) free = Paragraphs(ToValidUtf8(*l.free_text));
  for (const auto& p : free) text.push_back(p);
  text.push_back(Fill(l.link_intro, vars, false) + "\n" + l.link);
  for (const auto& p : l.after) text.push_back(Fill(p, vars, false));
  if (!l.closing.empty()) text.push_back(Fill(l.closing, vars, false));
  for (size_t i = 0; i < text.size(); ++i) c.text += (i ? "\n\n" : "") + text[i];
  c.text += "\n";

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"";
  h += ph.lang_tag;
  h += "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + HtmlEscape(c.subject) +
       "</title>\n</head>\n"
       "<body style=\"margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;"
       "font-size:15px;line-height:1.5;color:#222222\">\n";
  for (const auto& p : l.before) h += "<p>" + HtmlLines(Fill(p, vars, true)) + "</p>\n";
  for (const auto& p : free) h += "<p>" + HtmlLines(HtmlEscape(p)) + "</p>\n";
  const std::string href = HtmlEscape(l.link);
  h += "<p>" + HtmlLines(Fill(l.link_intro, vars, true)) + "</p>\n";
  h += "<p><a href=\"" + href +
       "\" style=\"display:inline-block;padding:10px 20px;background:#1d5fbf;color:#ffffff;"
       "text-decoration:none;border-radius:4px\">" +
       HtmlEscape(l.button) + "</a></p>\n";
  h += "<p style=\"font-size:13px;color:#555555\">" + HtmlEscape(ph.copy_hint) +
       "<br>\n<a href=\"" + href + "\">" + href + "</a></p>\n";
  for (const auto& p : l.after) h += "<p>" + HtmlLines(Fill(p, vars, true)) + "</p>\n";
  if (!l.closing.empty()) h += "<p>" + HtmlLines(Fill(l.closing, vars, true)) + "</p>\n";
  h += "</body>\n</html>\n";
  c.html = std::move(h);
  return c;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Seconds east of UTC of an ISO 8601 text's offset ("Z", "+02:00", "-0530").
int64_t OffsetOf(const std::string& iso, std::string* label) {
  *label = "UTC";
  if (iso.empty() || iso.back() == 'Z') return 0;
  size_t t = iso.find('T');
  size_t sign = iso.find_last_of("+-");
  if (t == std::string::npos || sign == std::string::npos || sign < t) return 0;
  std::string digits;
  for (size_t i = sign + 1; i < iso.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(iso[i]))) digits += iso[i];
  }
  if (digits.size() != 4) return 0;
  int64_t h = std::stoi(digits.substr(0, 2)), m = std::stoi(digits.substr(2, 2));
  int64_t off = (h * 3600 + m * 60) * (iso[sign] == '-' ? -1 : 1);
  if (off != 0) *label = "UTC" + iso.substr(sign, 3) + ":" + digits.substr(2, 2);
  return off;
}

std::string FormatLocal(Language lang, int64_t local_epoch, const std::string& zone) {
  static const char* const kEnDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
  static const char* const kNlDays[] = {"zondag",    "maandag", "dinsdag", "woensdag",
                                        "donderdag", "vrijdag", "zaterdag"};
  static const char* const kEnMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
  static const char* const kNlMonths[] = {"januari",   "februari", "maart",    "april",
                                          "mei",       "juni",     "juli",     "augustus",
                                          "september", "oktober",  "november", "december"};
  std::time_t t = static_cast<std::time_t>(local_epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  bool nl = lang == Language::kDutch;
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%s %d %s %d %s %02d:%02d (%s)",
                nl ? kNlDays[tm.tm_wday] : kEnDays[tm.tm_wday], tm.tm_mday,
                nl ? kNlMonths[tm.tm_mon] : kEnMonths[tm.tm_mon], tm.tm_year + 1900,
                nl ? "om" : "at", tm.tm_hour, tm.tm_min, zone.c_str());
  return buf;
}

std::string NameOr(const std::string& name, const char* fallback) {
  return name.empty() ? std::string(fallback) : name;
}

}  // namespace

Language LanguageFor(const std::optional<std::string>& language) {
  if (!language) return Language::kEnglish;
  std::string l = Lower(*language);
  std::string primary = l.substr(0, l.find_first_of("-_"));
  if (primary == "nl" || primary == "nld" || primary == "dut" || l == "dutch" ||
      l == "nederlands") {
    return Language::kDutch;
  }
  return Language::kEnglish;
}

std::string HumanDatetime(Language lang, const std::string& iso) {
  auto parsed = ParseDatetime(iso, "datetime");
  if (!parsed.ok()) return iso;
  std::string zone;
  int64_t offset = OffsetOf(parsed->text, &zone);
  return FormatLocal(lang, parsed->epoch + offset, zone);
}

std::string HumanUtc(Language lang, int64_t epoch) { return FormatLocal(lang, epoch, "UTC"); }

Content CandidateInvitation(Language lang, const CandidateInvitationInfo& info) {
  bool nl = lang == Language::kDutch;
  std::string when = info.scheduled ? HumanDatetime(lang, *info.scheduled) : "";
  Vars vars = {{"candidate", NameOr(info.candidate_name, nl ? "kandidaat" : "candidate")},
               {"title", info.vacancy_title},
               {"recruiter", info.recruiter_name},
               {"when", when}};
  Layout l;
  l.link = info.link;
  l.free_text = info.invitation_text;
  if (nl) {
    l.subject = "Uitnodiging: video-interview voor {title}";
    l.before.push_back("Beste {candidate},");
    std::string intro =
        info.recruiter_name.empty()
            ? "Je bent uitgenodigd voor een video-interview voor de vacature \"{title}\"."
            : "{recruiter} nodigt je uit voor een video-interview voor de vacature \"{title}\".";
    if (info.live && !when.empty()) {
      intro += "\nHet interview staat gepland op {when}.";
    } else if (!info.live) {
      intro += "\nJe neemt je antwoorden op wanneer het jou uitkomt.";
    }
    l.before.push_back(intro);
    l.link_intro = "Start je interview met deze persoonlijke link:";
    l.button = "Start het interview";
    l.after.push_back("Deel deze link niet met anderen: hij is alleen voor jou bedoeld.");
    l.closing = info.recruiter_name.empty() ? "Met vriendelijke groet"
                                            : "Met vriendelijke groet,\n{recruiter}";
  } else {
    l.subject = "Invitation: video interview for {title}";
    l.before.push_back("Dear {candidate},");
    std::string intro =
        info.recruiter_name.empty()
            ? "You are invited to a video interview for the vacancy \"{title}\"."
            : "{recruiter} invites you to a video interview for the vacancy \"{title}\".";
    if (info.live && !when.empty()) {
      intro += "\nThe interview is scheduled for {when}.";
    } else if (!info.live) {
      intro += "\nYou record your answers at a moment that suits you.";
    }
    l.before.push_back(intro);
    l.link_intro = "Start your interview with this personal link:";
    l.button = "Start the interview";
    l.after.push_back("Please do not share this link: it is meant for you alone.");
    l.closing = info.recruiter_name.empty() ? "Kind regards" : "Kind regards,\n{recruiter}";
  }
  return Render(lang, l, vars);
}

Content GuestInvitation(Language lang, const GuestInvitationInfo& info) {
  bool nl = lang == Language::kDutch;
  std::string when = info.scheduled ? HumanDatetime(lang, *info.scheduled) : "";
  Vars vars = {{"guest", NameOr(info.guest_name, nl ? "gast" : "guest")},
               {"candidate", info.candidate_name},
               {"title", info.vacancy_title},
               {"recruiter", info.recruiter_name},
               {"when", when}};
  Layout l;
  l.link = info.link;
  if (nl) {
    l.subject = "Uitnodiging: live video-interview met {candidate} voor {title}";
    l.before.push_back("Beste {guest},");
    std::string intro =
        (info.recruiter_name.empty() ? std::string("Je bent uitgenodigd")
                                     : std::string("{recruiter} nodigt je uit")) +
        " om deel te nemen aan het live video-interview met {candidate} voor de vacature "
        "\"{title}\".";
    if (!when.empty()) intro += "\nHet interview staat gepland op {when}.";
    l.before.push_back(intro);
    l.link_intro = "Neem deel aan het interview via deze link:";
    l.button = "Deelnemen aan het interview";
    l.closing = info.recruiter_name.empty() ? "Met vriendelijke groet"
                                            : "Met vriendelijke groet,\n{recruiter}";
  } else {
    l.subject = "Invitation: live video interview with {candidate} for {title}";
    l.before.push_back("Dear {guest},");
    std::string intro =
        (info.recruiter_name.empty() ? std::string("You are invited")
                                     : std::string("{recruiter} invites you")) +
        " to join the live video interview with {candidate} for the vacancy \"{title}\".";
    if (!when.empty()) intro += "\nThe interview is scheduled for {when}.";
    l.before.push_back(intro);
    l.link_intro = "Join the interview with this link:";
    l.button = "Join the interview";
    l.closing = info.recruiter_name.empty() ? "Kind regards" : "Kind regards,\n{recruiter}";
  }
  return Render(lang, l, vars);
}

Content InterviewerInvitation(Language lang, const InterviewerInvitationInfo& info) {
  bool nl = lang == Language::kDutch;
  std::string when = info.scheduled ? HumanDatetime(lang, *info.scheduled) : "";
  Vars vars = {{"interviewer", NameOr(info.interviewer_name, nl ? "interviewer" : "interviewer")},
               {"candidate", info.candidate_name},
               {"title", info.vacancy_title},
               {"when", when}};
  Layout l;
  l.link = info.link;
  if (nl) {
    l.subject = "Live video-interview met {candidate} voor {title}";
    l.before.push_back("Beste {interviewer},");
    std::string intro =
        "Je voert het live video-interview met {candidate} voor de vacature \"{title}\".";
    if (!when.empty()) intro += "\nHet interview staat gepland op {when}.";
    l.before.push_back(intro);
    l.link_intro = "Open de interviewruimte met deze persoonlijke link:";
    l.button = "Naar het interview";
    l.after.push_back(
        "Deel deze link niet: hij is alleen voor jou bedoeld. De kandidaat en eventuele gasten "
        "hebben een eigen link.");
  } else {
    l.subject = "Live video interview with {candidate} for {title}";
    l.before.push_back("Dear {interviewer},");
    std::string intro =
        "You are the interviewer of the live video interview with {candidate} for the vacancy "
        "\"{title}\".";
    if (!when.empty()) intro += "\nThe interview is scheduled for {when}.";
    l.before.push_back(intro);
    l.link_intro = "Open the interview room with this personal link:";
    l.button = "Go to the interview";
    l.after.push_back(
        "Please do not share this link: it is meant for you alone. The candidate and any guests "
        "have links of their own.");
  }
  return Render(lang, l, vars);
}

std::string LiveEventSummary(Language lang, const std::string& candidate,
                             const std::string& title) {
  if (lang == Language::kDutch) return "Live video-interview: " + candidate + " (" + title + ")";
  return "Live video interview: " + candidate + " (" + title + ")";
}

std::string LiveEventDescription(Language lang, const std::string& link) {
  if (lang == Language::kDutch) {
    return "Neem deel aan het interview via je persoonlijke link:\n" + link;
  }
  return "Join the interview with your personal link:\n" + link;
}

Content ConsoleInvitation(Language lang, const ConsoleInvitationInfo& info) {
  bool nl = lang == Language::kDutch;
  Vars vars = {{"name", NameOr(info.user_name, nl ? "collega" : "colleague")},
               {"account", info.account_name},
               {"hours", std::to_string(info.valid_hours)}};
  Layout l;
  l.link = info.link;
  if (nl) {
    l.subject = "Je account voor de video-interviews van {account}";
    l.before.push_back("Beste {name},");
    l.before.push_back(
        "Er is een account voor je aangemaakt in de recruiterconsole van {account}.");
    l.link_intro =
        "Kies je wachtwoord via deze persoonlijke link ({hours} uur geldig, één keer te "
        "gebruiken):";
    l.button = "Wachtwoord kiezen";
    l.closing = "Met vriendelijke groet";
  } else {
    l.subject = "Your account for the video interviews of {account}";
    l.before.push_back("Dear {name},");
    l.before.push_back("An account was made for you in the recruiter console of {account}.");
    l.link_intro =
        "Choose your password with this personal link (valid for {hours} hours, "
        "for one use):";
    l.button = "Choose a password";
    l.closing = "Kind regards";
  }
  return Render(lang, l, vars);
}

Content ReviewerInvitation(Language lang, const ReviewerInvitationInfo& info) {
  bool nl = lang == Language::kDutch;
  Vars vars = {{"reviewer", NameOr(info.reviewer_name, nl ? "beoordelaar" : "reviewer")},
               {"candidate", info.candidate_name},
               {"title", info.vacancy_title},
               {"recruiter", info.recruiter_name}};
  Layout l;
  l.link = info.link;
  if (nl) {
    l.subject = "Verzoek om beoordeling: video-interview van {candidate} voor {title}";
    l.before.push_back("Beste {reviewer},");
    l.before.push_back(
        (info.recruiter_name.empty() ? std::string("Je wordt gevraagd")
                                     : std::string("{recruiter} vraagt je")) +
        " het video-interview van {candidate} voor de vacature \"{title}\" te beoordelen.");
    l.link_intro = "Bekijk het interview en geef je beoordeling via deze persoonlijke link:";
    l.button = "Interview beoordelen";
    l.closing = info.recruiter_name.empty() ? "Met vriendelijke groet"
                                            : "Met vriendelijke groet,\n{recruiter}";
  } else {
    l.subject = "Please review the video interview of {candidate} for {title}";
    l.before.push_back("Dear {reviewer},");
    l.before.push_back(
        (info.recruiter_name.empty() ? std::string("You are asked")
                                     : std::string("{recruiter} asks you")) +
        " to review the video interview of {candidate} for the vacancy \"{title}\".");
    l.link_intro = "Watch the interview and give your rating with this personal link:";
    l.button = "Review the interview";
    l.closing = info.recruiter_name.empty() ? "Kind regards" : "Kind regards,\n{recruiter}";
  }
  return Render(lang, l, vars);
}

Content InterviewCompleted(Language lang, const InterviewCompletedInfo& info) {
  bool nl = lang == Language::kDutch;
  Vars vars = {{"recruiter", NameOr(info.recruiter_name, nl ? "recruiter" : "recruiter")},
               {"candidate", info.candidate_name},
               {"title", info.vacancy_title},
               {"when", HumanUtc(lang, info.completed_at)}};
  Layout l;
  l.link = info.link;
  if (nl) {
    l.subject = "{candidate} heeft het video-interview voor {title} afgerond";
    l.before.push_back("Beste {recruiter},");
    l.before.push_back(
        "{candidate} heeft op {when} het video-interview voor de vacature \"{title}\" afgerond.");
    l.link_intro = "Bekijk en beoordeel het interview:";
    l.button = "Interview bekijken";
  } else {
    l.subject = "{candidate} completed the video interview for {title}";
    l.before.push_back("Dear {recruiter},");
    l.before.push_back(
        "{candidate} completed the video interview for the vacancy \"{title}\" on {when}.");
    l.link_intro = "Watch and review the interview:";
    l.button = "View the interview";
  }
  return Render(lang, l, vars);
}

}  // namespace cammio::mail

// iCalendar (RFC 5545) invitations for live interviews: one VCALENDAR with
// METHOD:REQUEST and one VEVENT, the text a mail's text/calendar part
// carries (mail/message.h), so the interview lands in Outlook or Google
// calendars.
//
// Every content line ends in CRLF and is folded at 75 octets (a fold never
// splits a UTF-8 character); TEXT values escape '\', ';', ',' and line
// breaks. Times are UTC ("20300101T100000Z"). The UID stays the same for
// every mail about one invitation, and SEQUENCE grows when it changes, so a
// later mail updates the event instead of adding another.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mail/message.h"

namespace cammio::mail {

// The default length of a live interview's calendar event (there is no
// end time on an invitation): docs/decisions.md "Invitations and guests".
inline constexpr int64_t kLiveEventSeconds = 60 * 60;

struct CalendarEvent {
  std::string uid;       // stable per invitation: CalendarUid()
  int64_t sequence = 0;  // higher on each change of the invitation
  int64_t stamp = 0;     // DTSTAMP, Unix seconds (when the mail was made)
  int64_t start = 0;     // DTSTART, Unix seconds
  int64_t end = 0;       // DTEND, Unix seconds
  std::string summary;   // UTF-8
  std::string description;
  std::string url;    // the recipient's own link (also in DESCRIPTION)
  Mailbox organizer;  // ORGANIZER when its address is set
  Mailbox attendee;   // ATTENDEE (the recipient) when its address is set
};

// The whole VCALENDAR object, CRLF line endings, ending in CRLF.
std::string CalendarRequest(const CalendarEvent& e);

// A stable, unguessable event UID for an invitation: a hash of its (secret)
// token, so it reveals nothing, "@" `host` (or "cammio.invalid").
std::string CalendarUid(const std::string& invitation_token, std::string_view host);

// RFC 5545 TEXT escaping: '\' ';' ',' escaped with '\', CRLF/LF/CR as "\n",
// other control characters dropped.
std::string IcsText(std::string_view s);
// One content line folded at 75 octets: CRLF + one space before each
// continuation; ends in CRLF.
std::string IcsFold(std::string_view line);
// "20300101T100000Z".
std::string IcsUtc(int64_t epoch);

}  // namespace cammio::mail

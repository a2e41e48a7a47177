#include "mail/enqueue.h"

#include "mail/message.h"
#include "mail/outbox.h"
#include "mail/settings.h"
#include "mail/templates.h"
#include "store/accounts.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "util/crypto.h"
#include "util/time.h"

namespace cammio::mail {
namespace {

// Who the candidate and guests hear from: the live interview's interviewer
// when the invitation names one, else the inviting user, else the vacancy's
// recruiter.
UserContact Inviting(const Invitation& inv, const Vacancy& v,
                     const std::optional<UserContact>& inviter) {
  UserContact p{v.recruiter_name, v.recruiter_email};
  if (inviter) p = *inviter;
  if (inv.interviewer_name && !inv.interviewer_name->empty()) p.name = *inv.interviewer_name;
  if (inv.interviewer_email && !inv.interviewer_email->empty()) p.email = *inv.interviewer_email;
  return p;
}

// The outbox row without its texts, id and ref_id.
OutboxMail Row(int64_t account_id, const char* kind, const std::string& to,
               const std::string& to_name, const std::string& reply_to,
               const std::string& message_id, int64_t now) {
  OutboxMail m;
  m.account_id = account_id;
  m.kind = kind;
  m.to_address = to;
  if (!to_name.empty()) m.to_name = to_name;
  if (!reply_to.empty() && IsValidEmail(reply_to)) m.reply_to = reply_to;
  m.message_id = message_id;
  m.created_at = now;
  return m;
}

void SetContent(const Content& c, OutboxMail* m) {
  m->subject = c.subject;
  m->body_text = c.text;
  m->body_html = c.html;
}

// The text/calendar part for `to`, whose own link is `link`.
std::string CalendarFor(CalendarEvent e, Language lang, const std::string& link,
                        const Mailbox& to) {
  e.url = link;
  e.description = LiveEventDescription(lang, link);
  e.attendee = to;
  return CalendarRequest(e);
}

// Inserts `m` as it is (the caller checked EmailDisabled).
Status Insert(Db& db, OutboxMail* m, int64_t ref_id) {
  m->ref_id = ref_id;
  return InsertMail(db, m);
}

// "<id>.<26 base32 characters>": the first 128 bits of
// HMAC-SHA256(key, purpose + id), base32 (RFC 4648 alphabet, lower case, no
// padding). The shape the router's {token:guest} kind matches.
std::string IdToken(const std::string& key, const char* purpose, int64_t id) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string mac = HmacSha256(key, purpose + std::to_string(id));
  std::string out = std::to_string(id) + ".";
  unsigned buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < 16; ++i) {
    buffer = (buffer << 8) | static_cast<unsigned char>(mac[i]);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

}  // namespace

std::string GuestToken(const std::string& invitation_token, int64_t guest_id) {
  return IdToken(invitation_token, "cammio guest ", guest_id);
}

std::string InterviewerToken(const std::string& invitation_token, int64_t invitation_id) {
  return IdToken(invitation_token, "cammio interviewer ", invitation_id);
}

std::string InterviewerLink(const PublicLinks& links, const std::string& invitation_token,
                            int64_t invitation_id) {
  return links.InterviewerPage(InterviewerToken(invitation_token, invitation_id));
}

std::string GuestLink(const PublicLinks& links, const std::string& invitation_token,
                      int64_t guest_id) {
  return links.GuestPage(GuestToken(invitation_token, guest_id));
}

std::optional<CalendarEvent> LiveEvent(const PublicLinks& links, const Invitation& inv,
                                       const Vacancy& v, const UserContact& organizer,
                                       int64_t now) {
  if (v.kind != "live" || !inv.datetime_scheduled) return std::nullopt;
  auto when = ParseDatetime(*inv.datetime_scheduled, "datetime_scheduled");
  if (!when.ok()) return std::nullopt;
  CalendarEvent e;
  e.uid = CalendarUid(inv.token, links.host());
  e.sequence = inv.updated_at > inv.created_at ? inv.updated_at - inv.created_at : 0;
  e.stamp = now;
  e.start = when->epoch;
  e.end = when->epoch + kLiveEventSeconds;
  e.summary = LiveEventSummary(LanguageFor(v.language), inv.candidate_name, v.title);
  if (IsValidEmail(organizer.email)) e.organizer = Mailbox{organizer.name, organizer.email};
  return e;
}

std::optional<OutboxMail> ComposeInterviewerInvitation(const PublicLinks& links,
                                                       const Invitation& inv, const Vacancy& v,
                                                       const std::optional<UserContact>& inviter,
                                                       const std::string& message_id, int64_t now) {
  if (v.kind != "live") return std::nullopt;
  UserContact to = Inviting(inv, v, inviter);
  if (!IsValidEmail(to.email)) return std::nullopt;
  const Language lang = LanguageFor(v.language);
  InterviewerInvitationInfo info;
  info.interviewer_name = to.name;
  info.candidate_name = inv.candidate_name;
  info.vacancy_title = v.title;
  info.scheduled = inv.datetime_scheduled;
  info.link = InterviewerLink(links, inv.token, inv.id);
  OutboxMail m =
      Row(inv.account_id, kInterviewerInvitation, to.email, to.name, "", message_id, now);
  SetContent(InterviewerInvitation(lang, info), &m);
  if (auto e = LiveEvent(links, inv, v, to, now)) {
    m.calendar = CalendarFor(*e, lang, info.link, Mailbox{to.name, to.email});
  }
  return m;
}

OutboxMail ComposeCandidateInvitation(const PublicLinks& links, const Invitation& inv,
                                      const Vacancy& v, const std::optional<UserContact>& inviter,
                                      const std::string& message_id, int64_t now) {
  UserContact from = Inviting(inv, v, inviter);
  CandidateInvitationInfo info;
  info.candidate_name = inv.candidate_name;
  info.vacancy_title = v.title;
  info.recruiter_name = from.name;
  info.invitation_text = v.generic_invitation_text;
  info.live = v.kind == "live";
  info.scheduled = inv.datetime_scheduled;
  info.link = links.CandidateInterview(inv.token);
  OutboxMail m = Row(inv.account_id, kCandidateInvitation, inv.candidate_email, inv.candidate_name,
                     from.email, message_id, now);
  SetContent(CandidateInvitation(LanguageFor(v.language), info), &m);
  if (auto e = LiveEvent(links, inv, v, from, now)) {
    m.calendar = CalendarFor(*e, LanguageFor(v.language), info.link,
                             Mailbox{inv.candidate_name, inv.candidate_email});
  }
  return m;
}

OutboxMail ComposeReviewerInvitation(const PublicLinks& links, const Reviewer& r,
                                     const Interview& w, const Vacancy& v,
                                     const std::string& message_id, int64_t now) {
  ReviewerInvitationInfo info;
  info.reviewer_name = r.name;
  info.candidate_name = w.candidate_name;
  info.vacancy_title = v.title;
  info.recruiter_name = v.recruiter_name;
  info.link = links.ReviewerPage(r.token);
  OutboxMail m =
      Row(w.account_id, kReviewerInvitation, r.email, r.name, v.recruiter_email, message_id, now);
  SetContent(ReviewerInvitation(LanguageFor(v.language), info), &m);
  return m;
}

GuestMailDraft ComposeGuestInvitation(const PublicLinks& links, const Invitation& inv,
                                      const Vacancy& v, const std::optional<UserContact>& inviter,
                                      const Guest& g, const std::string& message_id, int64_t now) {
  UserContact from = Inviting(inv, v, inviter);
  GuestMailDraft d;
  d.language = LanguageFor(v.language);
  d.info.guest_name = g.name;
  d.info.candidate_name = inv.candidate_name;
  d.info.vacancy_title = v.title;
  d.info.recruiter_name = from.name;
  d.info.scheduled = inv.datetime_scheduled;
  d.invitation_token = inv.token;
  d.event = LiveEvent(links, inv, v, from, now);
  d.row = Row(inv.account_id, kGuestInvitation, g.email, g.name, from.email, message_id, now);
  return d;
}

Status InsertComposed(Db& db, OutboxMail* m, int64_t ref_id) {
  auto disabled = EmailDisabled(db, m->account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  return Insert(db, m, ref_id);
}

Status InsertGuestInvitation(Db& db, const PublicLinks& links, const GuestMailDraft& draft,
                             int64_t guest_id) {
  auto disabled = EmailDisabled(db, draft.row.account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  GuestInvitationInfo info = draft.info;
  info.link = GuestLink(links, draft.invitation_token, guest_id);
  OutboxMail m = draft.row;
  SetContent(GuestInvitation(draft.language, info), &m);
  if (draft.event) {
    m.calendar = CalendarFor(*draft.event, draft.language, info.link,
                             Mailbox{m.to_name.value_or(""), m.to_address});
  }
  return Insert(db, &m, guest_id);
}

Status EnqueueCandidateInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                  int64_t invitation_id, int64_t now) {
  auto inv = GetInvitation(db, account_id, invitation_id);
  if (!inv.ok()) return inv.status();
  return EnqueueCandidateInvitation(db, links, *inv, now);
}

Status EnqueueCandidateInvitation(Db& db, const PublicLinks& links, const Invitation& inv,
                                  int64_t now) {
  auto disabled = EmailDisabled(db, inv.account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto v = GetVacancyRow(db, inv.account_id, inv.vacancy_id);
  if (!v.ok()) return v.status();
  auto inviter = GetInvitationInviter(db, inv.account_id, inv.id);
  if (!inviter.ok()) return inviter.status();
  OutboxMail m =
      ComposeCandidateInvitation(links, inv, *v, *inviter, NewMessageId(links.host()), now);
  return Insert(db, &m, inv.id);
}

Status EnqueueGuestInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                              int64_t invitation_id, int64_t guest_id, int64_t now) {
  auto disabled = EmailDisabled(db, account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto inv = GetInvitation(db, account_id, invitation_id);
  if (!inv.ok()) return inv.status();
  auto guest = GetGuest(db, account_id, invitation_id, guest_id);
  if (!guest.ok()) return guest.status();
  auto v = GetVacancyRow(db, account_id, inv->vacancy_id);
  if (!v.ok()) return v.status();
  auto inviter = GetInvitationInviter(db, account_id, inv->id);
  if (!inviter.ok()) return inviter.status();
  GuestMailDraft d =
      ComposeGuestInvitation(links, *inv, *v, *inviter, *guest, NewMessageId(links.host()), now);
  return InsertGuestInvitation(db, links, d, guest->id);
}

Status EnqueueInterviewerInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                    int64_t invitation_id, int64_t now) {
  auto disabled = EmailDisabled(db, account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto inv = GetInvitation(db, account_id, invitation_id);
  if (!inv.ok()) return inv.status();
  auto v = GetVacancyRow(db, account_id, inv->vacancy_id);
  if (!v.ok()) return v.status();
  auto inviter = GetInvitationInviter(db, account_id, inv->id);
  if (!inviter.ok()) return inviter.status();
  auto m = ComposeInterviewerInvitation(links, *inv, *v, *inviter, NewMessageId(links.host()), now);
  if (!m) return Status::OK();
  return Insert(db, &*m, inv->id);
}

Status EnqueueReviewerInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t reviewer_id, int64_t now) {
  auto disabled = EmailDisabled(db, account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto w = GetInterview(db, account_id, interview_id);
  if (!w.ok()) return w.status();
  auto r = GetReviewer(db, account_id, interview_id, reviewer_id);
  if (!r.ok()) return r.status();
  auto v = GetVacancyRow(db, account_id, w->vacancy_id);
  if (!v.ok()) return v.status();
  OutboxMail m = ComposeReviewerInvitation(links, *r, *w, *v, NewMessageId(links.host()), now);
  return Insert(db, &m, r->id);
}

Status EnqueueConsoleInvitation(Db& db, const PublicLinks& links, const User& user,
                                const std::string& link, Language lang, int64_t valid_hours,
                                int64_t now) {
  auto disabled = EmailDisabled(db, user.account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto account = GetAccount(db, user.account_id);
  if (!account.ok()) return account.status();
  ConsoleInvitationInfo info{user.name, account->name, link, valid_hours};
  OutboxMail m = Row(user.account_id, kConsoleInvitation, user.email, user.name, "",
                     NewMessageId(links.host()), now);
  SetContent(ConsoleInvitation(lang, info), &m);
  return Insert(db, &m, user.id);
}

// Stays whole inside the completion's write (api/events.h): the link names
// the interview's id and the text its completion time, which only exist in
// that transaction.
Status EnqueueInterviewCompleted(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t now) {
  auto disabled = EmailDisabled(db, account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto w = GetInterview(db, account_id, interview_id);
  if (!w.ok()) return w.status();
  auto v = GetVacancyRow(db, account_id, w->vacancy_id);
  if (!v.ok()) return v.status();
  UserContact to{v->recruiter_name, v->recruiter_email};
  if (w->invitation_id) {
    auto inviter = GetInvitationInviter(db, account_id, *w->invitation_id);
    if (!inviter.ok()) return inviter.status();
    if (*inviter) to = **inviter;
  }
  InterviewCompletedInfo info;
  info.recruiter_name = to.name;
  info.candidate_name = w->candidate_name;
  info.vacancy_title = v->title;
  info.completed_at = w->datetime_end_ts;
  info.link = links.RecruiterReview(w->id);
  OutboxMail m =
      Row(account_id, kInterviewCompleted, to.email, to.name, "", NewMessageId(links.host()), now);
  SetContent(InterviewCompleted(LanguageFor(v->language), info), &m);
  return Insert(db, &m, w->id);
}

}  // namespace cammio::mail

#include "mail/enqueue.h"

#include <optional>

#include "mail/message.h"
#include "mail/outbox.h"
#include "mail/settings.h"
#include "mail/templates.h"
#include "store/accounts.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/vacancies.h"
#include "util/crypto.h"

namespace cammio::mail {
namespace {

constexpr const char kSelectInviter[] =
    "SELECT u.name, u.email FROM invitations i JOIN users u ON u.id = i.recruiter_id "
    "WHERE i.account_id = ?1 AND i.id = ?2";

struct Person {
  std::string name, email;
};

// The user who created the invitation, if any.
Result<std::optional<Person>> Inviter(Db& db, int64_t account_id, int64_t invitation_id) {
  Stmt st = db.Prepare(kSelectInviter);
  st.Bind(1, account_id).Bind(2, invitation_id);
  Status s;
  if (st.Step(&s)) return std::optional<Person>(Person{st.Text(0), st.Text(1)});
  if (!s.ok()) return s;
  return std::optional<Person>();
}

// Who the candidate and guests hear from: the live interview's interviewer
// when the invitation names one, else the inviting user, else the vacancy's
// recruiter.
Result<Person> Inviting(Db& db, const Invitation& inv, const Vacancy& v) {
  Person p{v.recruiter_name, v.recruiter_email};
  auto inviter = Inviter(db, inv.account_id, inv.id);
  if (!inviter.ok()) return inviter.status();
  if (*inviter) p = **inviter;
  if (inv.interviewer_name && !inv.interviewer_name->empty()) p.name = *inv.interviewer_name;
  if (inv.interviewer_email && !inv.interviewer_email->empty()) p.email = *inv.interviewer_email;
  return p;
}

Status Queue(Db& db, int64_t account_id, const char* kind, int64_t ref_id, const std::string& to,
             const std::string& to_name, const std::string& reply_to, const Content& c,
             const PublicLinks& links, int64_t now) {
  OutboxMail m;
  m.account_id = account_id;
  m.kind = kind;
  m.ref_id = ref_id;
  m.to_address = to;
  if (!to_name.empty()) m.to_name = to_name;
  if (!reply_to.empty() && IsValidEmail(reply_to)) m.reply_to = reply_to;
  m.subject = c.subject;
  m.body_text = c.text;
  m.body_html = c.html;
  m.message_id = NewMessageId(links.host());
  m.created_at = now;
  return InsertMail(db, &m);
}

}  // namespace

std::string GuestToken(const std::string& invitation_token, int64_t guest_id) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string mac = HmacSha256(invitation_token, "cammio guest " + std::to_string(guest_id));
  std::string out = std::to_string(guest_id) + ".";
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

std::string GuestLink(const PublicLinks& links, const std::string& invitation_token,
                      int64_t guest_id) {
  return links.GuestPage(GuestToken(invitation_token, guest_id));
}

Status EnqueueCandidateInvitation(Db& db, const PublicLinks& links, int64_t account_id,
                                  int64_t invitation_id, int64_t now) {
  auto inv = GetInvitation(db, account_id, invitation_id);
  if (!inv.ok()) return inv.status();
  return EnqueueCandidateInvitation(db, links, *inv, now);
}

Status EnqueueCandidateInvitation(Db& db, const PublicLinks& links, const Invitation& inv,
                                  int64_t now) {
  const int64_t account_id = inv.account_id;
  auto disabled = EmailDisabled(db, account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto v = GetVacancyRow(db, account_id, inv.vacancy_id);
  if (!v.ok()) return v.status();
  auto from = Inviting(db, inv, *v);
  if (!from.ok()) return from.status();
  CandidateInvitationInfo info;
  info.candidate_name = inv.candidate_name;
  info.vacancy_title = v->title;
  info.recruiter_name = from->name;
  info.invitation_text = v->generic_invitation_text;
  info.live = v->kind == "live";
  info.scheduled = inv.datetime_scheduled;
  info.link = links.CandidateInterview(inv.token);
  Content c = CandidateInvitation(LanguageFor(v->language), info);
  return Queue(db, account_id, kCandidateInvitation, inv.id, inv.candidate_email,
               inv.candidate_name, from->email, c, links, now);
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
  auto from = Inviting(db, *inv, *v);
  if (!from.ok()) return from.status();
  GuestInvitationInfo info;
  info.guest_name = guest->name;
  info.candidate_name = inv->candidate_name;
  info.vacancy_title = v->title;
  info.recruiter_name = from->name;
  info.scheduled = inv->datetime_scheduled;
  info.link = GuestLink(links, inv->token, guest->id);
  Content c = GuestInvitation(LanguageFor(v->language), info);
  return Queue(db, account_id, kGuestInvitation, guest->id, guest->email, guest->name, from->email,
               c, links, now);
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
  ReviewerInvitationInfo info;
  info.reviewer_name = r->name;
  info.candidate_name = w->candidate_name;
  info.vacancy_title = v->title;
  info.recruiter_name = v->recruiter_name;
  info.link = links.ReviewerPage(r->token);
  Content c = ReviewerInvitation(LanguageFor(v->language), info);
  return Queue(db, account_id, kReviewerInvitation, r->id, r->email, r->name, v->recruiter_email, c,
               links, now);
}

Status EnqueueInterviewCompleted(Db& db, const PublicLinks& links, int64_t account_id,
                                 int64_t interview_id, int64_t now) {
  auto disabled = EmailDisabled(db, account_id);
  if (!disabled.ok()) return disabled.status();
  if (*disabled) return Status::OK();
  auto w = GetInterview(db, account_id, interview_id);
  if (!w.ok()) return w.status();
  auto v = GetVacancyRow(db, account_id, w->vacancy_id);
  if (!v.ok()) return v.status();
  Person to{v->recruiter_name, v->recruiter_email};
  if (w->invitation_id) {
    auto inviter = Inviter(db, account_id, *w->invitation_id);
    if (!inviter.ok()) return inviter.status();
    if (*inviter) to = **inviter;
  }
  InterviewCompletedInfo info;
  info.recruiter_name = to.name;
  info.candidate_name = w->candidate_name;
  info.vacancy_title = v->title;
  info.completed_at = w->datetime_end_ts;
  info.link = links.RecruiterReview(w->id);
  Content c = InterviewCompleted(LanguageFor(v->language), info);
  return Queue(db, account_id, kInterviewCompleted, w->id, to.email, to.name, "", c, links, now);
}

}  // namespace cammio::mail

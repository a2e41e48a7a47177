#include "api/live_link.h"

#include <string_view>

#include "api/router.h"
#include "mail/enqueue.h"
#include "store/interviews.h"
#include "store/web_links.h"
#include "util/crypto.h"

namespace cammio {
namespace {

Status Unknown() { return Status::NotFound("this interview link is not known"); }

// The id before the '.' of an interviewer's or guest's token.
bool TokenId(const std::string& token, int64_t* id) {
  return ParseId(std::string_view(token).substr(0, token.find('.')), id);
}

Status LoadInvitation(Db& db, const std::string& invitation_token, LiveLink* out) {
  auto inv = GetInvitationByToken(db, invitation_token);
  if (!inv.ok()) return inv.status().IsNotFound() ? Unknown() : inv.status();
  auto v = GetVacancyRow(db, inv->account_id, inv->vacancy_id);
  if (!v.ok()) return v.status();
  out->invitation = std::move(inv.value());
  out->vacancy = std::move(v.value());
  return Status::OK();
}

std::string InterviewerName(Db& db, const Invitation& inv, const Vacancy& v) {
  if (inv.interviewer_name && !inv.interviewer_name->empty()) return *inv.interviewer_name;
  auto inviter = GetInvitationInviter(db, inv.account_id, inv.id);
  if (inviter.ok() && inviter->has_value() && !(*inviter)->name.empty()) return (*inviter)->name;
  return v.recruiter_name;
}

Status LoadParticipant(Db& db, LiveBase base, const std::string& token, LiveLink* out) {
  live::Participant& p = out->participant;
  if (base == LiveBase::kCandidate) {
    Status s = LoadInvitation(db, token, out);
    if (!s.ok()) return s;
    p = {"candidate", "candidate", out->invitation.candidate_name};
    return Status::OK();
  }
  int64_t id = 0;
  if (!TokenId(token, &id)) return Unknown();
  if (base == LiveBase::kInterviewer) {
    auto inv_token = GetInvitationTokenOf(db, id);
    if (!inv_token.ok()) return inv_token.status().IsNotFound() ? Unknown() : inv_token.status();
    if (!ConstantTimeEquals(mail::InterviewerToken(*inv_token, id), token)) return Unknown();
    Status s = LoadInvitation(db, *inv_token, out);
    if (!s.ok()) return s;
    p = {"interviewer", "interviewer", InterviewerName(db, out->invitation, out->vacancy)};
    return Status::OK();
  }
  auto g = GetGuestOfInvitation(db, id);
  if (g.status().IsNotFound()) {
    // A deleted guest's link, when the token is right, is Gone.
    auto inv_id = DeletedGuestInvitation(db, id);
    if (!inv_id.ok()) return inv_id.status().IsNotFound() ? Unknown() : inv_id.status();
    auto inv_token = GetInvitationTokenOf(db, *inv_id);
    if (!inv_token.ok()) return Unknown();
    if (!ConstantTimeEquals(mail::GuestToken(*inv_token, id), token)) return Unknown();
    return Status::Gone("this guest was removed from the interview");
  }
  if (!g.ok()) return g.status();
  if (!ConstantTimeEquals(mail::GuestToken(g->invitation_token, id), token)) return Unknown();
  Status s = LoadInvitation(db, g->invitation_token, out);
  if (!s.ok()) return s;
  p = {"guest-" + std::to_string(id), "guest", g->guest.name};
  return Status::OK();
}

}  // namespace

Status LoadLiveLinkAnyState(Db& db, LiveBase base, const std::string& token, LiveLink* out) {
  Status s = LoadParticipant(db, base, token, out);
  if (!s.ok()) return s;
  const Invitation& inv = out->invitation;
  if (inv.status == "revoked") return Status::Gone("this invitation was revoked");
  if (out->vacancy.kind != "live") {
    return Status::PreconditionFailed("this is not a live interview");
  }
  out->interviewer_name = InterviewerName(db, inv, out->vacancy);
  auto session = GetLiveSession(db, inv.id);
  if (session.ok()) {
    out->session = std::move(session.value());
  } else if (!session.status().IsNotFound()) {
    return session.status();
  }
  return Status::OK();
}

Status LoadLiveLink(Db& db, LiveBase base, const std::string& token, LiveLink* out) {
  Status s = LoadLiveLinkAnyState(db, base, token, out);
  if (!s.ok()) return s;
  if (base == LiveBase::kGuest) {
    int64_t guest_id = 0;
    if (!TokenId(token, &guest_id)) return Unknown();
    auto removed = IsGuestRemoved(db, guest_id);
    if (!removed.ok()) return removed.status();
    if (*removed) return Status::Gone("the interviewer removed this guest from the interview");
  }
  if (out->invitation.status == "completed" || (out->session && out->session->ended_at)) {
    return Status::Gone("this interview has ended");
  }
  return Status::OK();
}

Status RaiseLiveCompletion(Db& db, Events& events, const LiveSession& s, int64_t now) {
  auto token = GetInvitationTokenOf(db, s.invitation_id);
  if (!token.ok()) return token.status();
  auto inv = GetInvitationByToken(db, *token);
  if (!inv.ok()) return inv.status();
  CompletionResult r;
  r.interview_id = s.interview_id.value_or(0);
  r.account_id = inv->account_id;
  r.redirect_url = inv->redirect_url;
  Status st = MarkLiveCompletionEvent(db, s.invitation_id, now);
  if (!st.ok()) return st;
  return events.InterviewCompleted(db, r, now);
}

}  // namespace cammio

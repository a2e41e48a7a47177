#include "store/web_links.h"

#include "util/crypto.h"

namespace cammio {
namespace {

constexpr const char kSelectPublicVacancy[] =
    "SELECT account_id, id FROM vacancies "
    "WHERE public_token = ?1 AND scope = 'public' AND use_as_template = 'no'";
constexpr const char kInsertOpening[] =
    "INSERT INTO forward_link_openings (link_id, access_hash, opened_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr const char kSelectOpening[] =
    "SELECT expires_at FROM forward_link_openings WHERE access_hash = ?1 AND link_id = ?2";
constexpr const char kSelectInterviewMedia[] =
    "SELECT 1 FROM recordings WHERE interview_id = ?1 AND (video_id = ?2 OR thumbnail_id = ?2) "
    "UNION ALL SELECT 1 FROM interviews w JOIN uploads u ON u.invitation_id = w.invitation_id "
    "WHERE w.id = ?1 AND u.kind = 'cv' AND u.video_id = ?2 LIMIT 1";
constexpr const char kSelectReviewerLink[] =
    "SELECT id, interview_id, name, email, phone, token, account_id FROM reviewers "
    "WHERE token = ?1";
constexpr const char kSelectUsedReviewerLink[] = "SELECT 1 FROM reviews WHERE reviewer_token = ?1";
constexpr const char kSelectGuestOfInvitation[] =
    "SELECT g.id, g.invitation_id, g.name, g.email, g.account_id, i.token, u.name, u.email "
    "FROM guests g JOIN invitations i ON i.id = g.invitation_id "
    "LEFT JOIN users u ON u.id = i.recruiter_id WHERE g.id = ?1";
constexpr const char kMarkReviewToken[] = "UPDATE reviews SET reviewer_token = ?2 WHERE id = ?1";

}  // namespace

Result<Vacancy> GetPublicVacancy(Db& db, const std::string& token) {
  Stmt st = db.Prepare(kSelectPublicVacancy);
  st.Bind(1, token);
  Status s;
  if (!st.Step(&s)) return s.ok() ? Status::NotFound("no public vacancy with that link") : s;
  return GetVacancy(db, st.Int(0), st.Int(1));
}

Status OpenForwardLink(Db& db, const std::string& token, int64_t now, int64_t ttl_s,
                       const std::string& access, ForwardOpening* out) {
  Status s = UseForwardLink(db, token, now, &out->link);
  if (!s.ok()) return s;
  out->access = access;
  out->expires_at = now + ttl_s;
  return db.Prepare(kInsertOpening)
      .Bind(1, out->link.id)
      .BindBlob(2, Sha256(out->access))
      .Bind(3, now)
      .Bind(4, out->expires_at)
      .Run();
}

Result<ForwardLink> CheckForwardAccess(Db& db, const std::string& token, const std::string& access,
                                       int64_t now) {
  auto link = GetForwardLink(db, token);
  if (!link.ok()) return link.status();
  Stmt st = db.Prepare(kSelectOpening);
  st.BindBlob(1, Sha256(access)).Bind(2, link->id);
  Status s;
  if (!st.Step(&s)) {
    return s.ok() ? Status::Unauthenticated("open the link again to watch the videos") : s;
  }
  if (st.Int(0) < now) return Status::Gone("this viewing expired; open the link again");
  return link;
}

Result<bool> IsInterviewMedia(Db& db, int64_t interview_id, int64_t video_id) {
  Stmt st = db.Prepare(kSelectInterviewMedia);
  st.Bind(1, interview_id).Bind(2, video_id);
  Status s;
  bool found = st.Step(&s);
  if (!s.ok()) return s;
  return found;
}

Result<ReviewerLink> GetReviewerLink(Db& db, const std::string& token) {
  Stmt st = db.Prepare(kSelectReviewerLink);
  st.Bind(1, token);
  Status s;
  if (!st.Step(&s)) return s.ok() ? Status::NotFound("no reviewer invitation with that link") : s;
  ReviewerLink out;
  out.reviewer = Reviewer{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.OptText(4), st.Text(5)};
  out.account_id = st.Int(6);
  return out;
}

Result<bool> ReviewerLinkUsed(Db& db, const std::string& token) {
  Stmt st = db.Prepare(kSelectUsedReviewerLink);
  st.Bind(1, token);
  Status s;
  bool found = st.Step(&s);
  if (!s.ok()) return s;
  return found;
}

Status SubmitReviewerReview(Db& db, const std::string& token, int64_t rating,
                            const std::optional<std::string>& remarks, int64_t now, Review* out) {
  auto link = GetReviewerLink(db, token);
  if (!link.ok()) return link.status();
  const Reviewer& r = link->reviewer;
  out->interview_id = r.interview_id;
  out->reviewer_name = r.name;
  out->rating = rating;
  out->remarks = remarks;
  Status s = InsertReview(db, link->account_id, out, std::nullopt, now);
  if (s.ok()) s = db.Prepare(kMarkReviewToken).Bind(1, out->id).Bind(2, token).Run();
  if (s.ok()) s = DeleteReviewer(db, link->account_id, r.interview_id, r.id, now);
  return s;
}

Result<GuestOfInvitation> GetGuestOfInvitation(Db& db, int64_t guest_id) {
  Stmt st = db.Prepare(kSelectGuestOfInvitation);
  st.Bind(1, guest_id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? Status::NotFound("no guest with that link") : s;
  GuestOfInvitation out;
  out.guest = Guest{st.Int(0), st.Int(1), st.Text(2), st.Text(3)};
  out.account_id = st.Int(4);
  out.invitation_token = st.Text(5);
  out.inviter_name = st.OptText(6).value_or("");
  out.inviter_email = st.OptText(7).value_or("");
  return out;
}

}  // namespace cammio

// Store functions behind the web pages (src/web): public vacancies by their
// link, forward-link openings with short-lived access to the video bytes,
// reviews handed in through a reviewer's personal link, and which media files
// a page may stream. Writers run inside Store::Write; every lookup by token
// is the page's authorisation (tokens are >= 100 random bits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cammio/status.h"
#include "store/db.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/vacancies.h"

namespace cammio {

// A public vacancy by the token of its /public/vacancies/<token> link.
// NotFound for an unknown token and for a private vacancy or a template.
Result<Vacancy> GetPublicVacancy(Db& db, const std::string& token);

struct ForwardOpening {
  ForwardLink link;    // opens_left after this opening
  std::string access;  // the grant, for the page's video URLs
  int64_t expires_at = 0;
};

// Uses one of the link's openings (UseForwardLink: NotFound unknown, Gone
// used up or expired) and grants `ttl_s` seconds of access to its videos to
// `access`, a fresh random grant the caller made before the write
// (RandomToken(20)); it becomes out->access.
Status OpenForwardLink(Db& db, const std::string& token, int64_t now, int64_t ttl_s,
                       const std::string& access, ForwardOpening* out);

// The link when `access` is an unexpired grant of one of its openings;
// NotFound for an unknown link, Unauthenticated for a wrong grant, Gone for
// an expired one.
Result<ForwardLink> CheckForwardAccess(Db& db, const std::string& token, const std::string& access,
                                       int64_t now);

// True when `video_id` is a recording, a recording's thumbnail or the CV of
// the interview.
Result<bool> IsInterviewMedia(Db& db, int64_t interview_id, int64_t video_id);

struct ReviewerLink {
  Reviewer reviewer;
  int64_t account_id = 0;
};

// An open reviewer invitation by the token of its /public/reviews/<token>
// link. NotFound otherwise (see ReviewerLinkUsed).
Result<ReviewerLink> GetReviewerLink(Db& db, const std::string& token);

// True when a review was handed in through this link.
Result<bool> ReviewerLinkUsed(Db& db, const std::string& token);

// The reviewer invitation becomes a review (the documented behaviour): the
// review carries the reviewer's name and no user, the invitation is deleted,
// the interview is marked updated. NotFound when the link is not open.
Status SubmitReviewerReview(Db& db, const std::string& token, int64_t rating,
                            const std::optional<std::string>& remarks, int64_t now, Review* out);

// A guest of a live interview with what its /public/guests/<token> page
// needs to check the token (mail::GuestToken is keyed with the invitation's
// token) and to name the person who invited.
struct GuestOfInvitation {
  Guest guest;
  int64_t account_id = 0;
  std::string invitation_token;
  std::string inviter_name, inviter_email;  // the inviting user ("" when none)
};

// The guest with that id, in any account and whatever its invitation's
// status; NotFound when there is none (never added, or deleted). The caller
// must verify the link's token before showing anything.
Result<GuestOfInvitation> GetGuestOfInvitation(Db& db, int64_t guest_id);

}  // namespace cammio

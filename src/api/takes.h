// Takes: how many recordings a candidate may make of one question, enforced
// by the server (docs/decisions.md "Takes and the CV"). A take is a
// *finished* recording upload of a question (POST .../uploads with
// Upload-Metadata kind recording, question N, whose last byte arrived). A
// vacancy with num_of_retries N allows 1 + N takes per question;
// num_of_retries null allows any number. An upload created but never
// finished (its 201 was lost, the page reloaded) is no take. Creating a
// recording upload is refused once the question's takes are used up, and
// while kMaxUnfinishedTakes unfinished recording uploads of the question
// are active; finishing one is refused when the takes were used up
// meanwhile. The interview keeps one take per question -- the newest
// finished one, which replaces the earlier ones -- and, when the vacancy
// asks for one, one CV (the newest finished). At completion the media of
// every other upload of the invitation is deleted.
//
// Functions taking a Db run inside the caller's Store::Read or Write; the
// checks that guard an insert must run in the same Store::Write as it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"
#include "store/invitations.h"
#include "store/uploads.h"
#include "store/vacancies.h"

namespace cammio {

// Unfinished recording uploads a question may have at once; one counts while
// it was created or received bytes in the last kUnfinishedActiveSeconds, so
// uploads abandoned by lost answers stop blocking new ones after that.
constexpr int64_t kMaxUnfinishedTakes = 2;
constexpr int64_t kUnfinishedActiveSeconds = 600;

// Takes allowed per question: 1 + num_of_retries, nullopt for no limit.
std::optional<int64_t> TakesAllowed(const Vacancy& v);

// Takes (finished recordings) of question `question_index` still allowed
// (nullopt: no limit).
Result<std::optional<int64_t>> TakesLeft(Db& db, const Invitation& inv, const Vacancy& v,
                                         int64_t question_index);

// Whether the invitation may create upload `u` (kind and question_index
// set) at `now`: InvalidArgument for a recording without a question or for
// a question the vacancy does not have; PreconditionFailed when the
// question's takes are used up or for a CV on a vacancy that does not ask
// for one; TooManyRequests while the question has kMaxUnfinishedTakes
// active unfinished recording uploads.
Status CheckNewUpload(Db& db, const Invitation& inv, const Vacancy& v, const Upload& u,
                      int64_t now);

// Whether upload `u`, whose last byte arrived, may become a take: for a
// recording, PreconditionFailed when its question's takes are used up.
// Runs in the Store::Write that records the upload as finished, so two
// parallel uploads cannot both become the last allowed take.
Status CheckFinishedTake(Db& db, const Invitation& inv, const Vacancy& v, const Upload& u);

// Whether upload `u` may be handed in as the take of `question_index`: it
// must be a recording of that question and its newest finished take.
// PreconditionFailed otherwise.
Status CheckHandedInTake(Db& db, const Invitation& inv, const Upload& u, int64_t question_index);

// Whether `u` may be handed in as the CV: the invitation's newest finished
// CV upload.
Status CheckHandedInCv(Db& db, const Invitation& inv, const Upload& u);

// At completion: deletes the media rows of every upload of the invitation
// whose media is not in `keep` (earlier takes, unused stills, replaced
// CVs) and detaches them from their uploads. Appends the files to unlink
// after the commit (relative to DATA/media, including the .part files of
// unfinished uploads) to *files.
Status DropUnusedUploads(Db& db, const Invitation& inv, const std::vector<int64_t>& keep,
                         int64_t now, std::vector<std::string>* files);

}  // namespace cammio

// Takes: how many recordings a candidate may make of one question, enforced
// by the server (docs/decisions.md "Takes and the CV"). A take is a
// recording upload created for a question (POST .../uploads with
// Upload-Metadata kind recording, question N). A vacancy with
// num_of_retries N allows 1 + N takes per question; num_of_retries null
// allows any number. A take beyond the limit is refused before the upload
// exists, so no byte of it is ever stored. The interview keeps one take
// per question -- the newest, which replaces the earlier ones -- and, when
// the vacancy asks for one, one CV (the newest). At completion the media of
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

// Takes allowed per question: 1 + num_of_retries, nullopt for no limit.
std::optional<int64_t> TakesAllowed(const Vacancy& v);

// Takes of question `question_index` still allowed (nullopt: no limit).
Result<std::optional<int64_t>> TakesLeft(Db& db, const Invitation& inv, const Vacancy& v,
                                         int64_t question_index);

// Whether the invitation may create upload `u` (kind and question_index
// set): InvalidArgument for a recording without a question or for a
// question the vacancy does not have; PreconditionFailed for a take beyond
// the limit or a CV on a vacancy that does not ask for one.
Status CheckNewUpload(Db& db, const Invitation& inv, const Vacancy& v, const Upload& u);

// Whether upload `u` may be handed in as the take of `question_index`: it
// must be a recording of that question and its newest take.
// PreconditionFailed otherwise.
Status CheckHandedInTake(Db& db, const Invitation& inv, const Upload& u, int64_t question_index);

// Whether `u` may be handed in as the CV: the invitation's newest CV upload.
Status CheckHandedInCv(Db& db, const Invitation& inv, const Upload& u);

// At completion: deletes the media rows of every upload of the invitation
// whose media is not in `keep` (earlier takes, unused stills, replaced
// CVs) and detaches them from their uploads. Appends the files to unlink
// after the commit (relative to DATA/media, including the .part files of
// unfinished uploads) to *files.
Status DropUnusedUploads(Db& db, const Invitation& inv, const std::vector<int64_t>& keep,
                         int64_t now, std::vector<std::string>* files);

}  // namespace cammio

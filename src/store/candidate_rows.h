// Candidate rows: the statements of candidate erasure and export (ops/
// candidate_data) -- finding a candidate by email, the ids of their
// invitations and interviews, and every row that names them, section by
// section, as plain cells (ops decides which columns leave the server and
// how they are rendered).
//
// Every function takes the Db of a Store::Read or Store::Write callback.
// Errors are the SQLite error as a Status.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cammio/status.h"
#include "store/db.h"

namespace cammio {

// One column of an exported row. Text and blobs are both kBytes (ops tells
// UTF-8 from binary).
struct RowCell {
  enum class Type { kInt, kFloat, kNull, kBytes };
  std::string column;
  Type type = Type::kNull;
  int64_t int_value = 0;
  double float_value = 0;
  std::string bytes;
};
using ExportedRow = std::vector<RowCell>;

// The candidate of the account with that email (any case). NotFound when
// there is none.
Result<int64_t> FindCandidateId(Db& db, int64_t account_id, const std::string& email);
// The ids of the candidate's invitations / interviews in the account,
// appended to *out.
Status CandidateInvitationIds(Db& db, int64_t account_id, int64_t candidate_id,
                              std::vector<int64_t>* out);
Status CandidateInterviewIds(Db& db, int64_t account_id, int64_t candidate_id,
                             std::vector<int64_t>* out);

// Calls `section` once per section of the candidate's data, in a fixed order
// ("candidate", "invitations", "vacancies", "guests", "uploads", "interviews",
// "recordings", "reviewers", "reviews", "forward_links", "notifications",
// "mail", "media"), with all of its rows. Stops at the first error (of the
// database or of `section`).
Status ReadCandidateSections(
    Db& db, int64_t account_id, int64_t candidate_id, const std::string& email,
    const std::function<Status(const char* name, std::vector<ExportedRow> rows)>& section);

}  // namespace cammio

// The body of a vacancy (create and update), parsed and checked before the
// write (docs/decisions.md, "The writer thread only writes"): parsing is
// pure; the rules over the merged vacancy need no reads and run again inside
// the write.
//
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cammio/document.h"
#include "cammio/status.h"
#include "store/vacancies.h"
#include "util/time.h"

namespace cammio {

// The fields a vacancy body sets, parsed and checked before the write. An
// outer nullopt: the body does not name the field.
struct VacancyPatch {
  std::optional<std::string> title, kind, scope, answering_time, cv_upload_required,
      use_as_template;
  std::optional<std::optional<std::string>> language, reference_id, external_info_url,
      generic_invitation_text, play_test_question;
  std::optional<Datetime> datetime_start, datetime_end;
  std::optional<std::optional<int64_t>> num_of_retries, intro_video_id;
  std::optional<std::vector<Question>> questions;
  std::optional<bool> live_recording;
};

// Parses the fields present in `body` (create and update). Pure: no rule
// here depends on a stored row.
Status ParseVacancyPatch(const Value& body, VacancyPatch* p);

// Sets what `p` names onto `v` (create: onto defaults or a template copy;
// update: onto the stored vacancy).
void ApplyVacancyPatch(const VacancyPatch& p, Vacancy* v);

// The rules over the merged vacancy. No reads: cheap enough to run again
// inside the write, where the stored row or the template may have moved.
Status CheckVacancy(const Vacancy& v);

}  // namespace cammio

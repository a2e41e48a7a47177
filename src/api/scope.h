// Nested paths (/api/vacancies/:vacancy_id/...) answer exactly as the flat
// paths, restricted to that vacancy (docs/contract.md "Resources").
#pragma once

#include "api/call.h"
#include "store/db.h"

namespace cammio {

// On a nested path: NotFound unless the vacancy exists in the caller's
// account and (when `resource_vacancy_id` is not 0) the resource belongs to
// it. On a flat path: OK. A resource's vacancy is noted on the call
// (Call::NoteVacancy): the cached answer about it depends on that vacancy.
Status CheckVacancyScope(Db& db, const Call& call, int64_t resource_vacancy_id);

}  // namespace cammio

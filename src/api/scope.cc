#include "api/scope.h"

#include "store/vacancies.h"

namespace cammio {

Status CheckVacancyScope(Db& db, const Call& call, int64_t resource_vacancy_id) {
  if (resource_vacancy_id != 0) call.NoteVacancy(resource_vacancy_id);
  int64_t vacancy_id = call.Param("vacancy_id");
  if (vacancy_id == 0) return Status::OK();
  auto exists = VacancyExists(db, call.account_id(), vacancy_id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return Status::NotFound("no vacancy with id " + std::to_string(vacancy_id));
  if (resource_vacancy_id != 0 && resource_vacancy_id != vacancy_id) {
    return Status::NotFound("not found in vacancy " + std::to_string(vacancy_id));
  }
  return Status::OK();
}

}  // namespace cammio

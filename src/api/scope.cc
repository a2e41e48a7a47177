#include "api/scope.h"

#include "store/vacancies.h"

namespace cammio {
namespace {
constexpr const char kVacancyExists[] = "SELECT 1 FROM vacancies WHERE account_id = ?1 AND id = ?2";
}  // namespace

Status CheckVacancyScope(Db& db, const Call& call, int64_t resource_vacancy_id) {
  int64_t vacancy_id = call.Param("vacancy_id");
  if (vacancy_id == 0) return Status::OK();
  Stmt st = db.Prepare(kVacancyExists);
  st.Bind(1, call.account_id()).Bind(2, vacancy_id);
  Status s;
  if (!st.Step(&s)) {
    return s.ok() ? Status::NotFound("no vacancy with id " + std::to_string(vacancy_id)) : s;
  }
  if (resource_vacancy_id != 0 && resource_vacancy_id != vacancy_id) {
    return Status::NotFound("not found in vacancy " + std::to_string(vacancy_id));
  }
  return Status::OK();
}

}  // namespace cammio

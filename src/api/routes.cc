// The route table: every path the server answers, one row each. Order
// matters only for readability; patterns never overlap.
#include "api/health.h"
#include "api/vacancies.h"
#include "http/server.h"

namespace cammio {

const Router& ApiRouter() {
  static const Router router({
      {"GET", "/healthz", HealthHandler, false},

      {"GET", "/api/vacancies", ListVacanciesHandler},
      {"POST", "/api/vacancies", CreateVacancyHandler},
      {"GET", "/api/vacancies/:id", GetVacancyHandler},
      {"PUT", "/api/vacancies/:id", UpdateVacancyHandler},
      {"DELETE", "/api/vacancies/:id", DeleteVacancyHandler},
  });
  return router;
}

}  // namespace cammio

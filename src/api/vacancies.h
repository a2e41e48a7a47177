// Handlers of /api/vacancies and the vacancy document shared by other
// resources' views.
#pragma once

#include <string>

#include "api/call.h"
#include "config/public_links.h"
#include "format/doc_writer.h"
#include "store/vacancies.h"

namespace cammio {

enum class VacancyView {
  kListItem,  // list rows: the vacancy's own fields
  kDetail,    // plus questions (GET one also embeds invitations and interviews)
};

// {"vacancy": {...}} with the seed's field names and types.
Value VacancyDocument(const Vacancy& v, const PublicLinks& links, VacancyView view);

// The GET-one view: questions, open invitations and interviews embedded,
// written as they are read. On error *out holds part of a document: the
// caller answers the error instead.
Status VacancyDetail(Db& db, const Vacancy& v, const PublicLinks& links, DocWriter* out);

Status ListVacanciesHandler(Call& call);
Status CreateVacancyHandler(Call& call);
Status GetVacancyHandler(Call& call);
Status UpdateVacancyHandler(Call& call);
Status DeleteVacancyHandler(Call& call);

}  // namespace cammio

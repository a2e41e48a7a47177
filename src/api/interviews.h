// Handlers of /api/interviews[/:id], reviewers, reviews and forward_url,
// flat and nested under /api/vacancies/:vacancy_id.
#pragma once

#include <string>

#include "api/call.h"
#include "config/public_links.h"
#include "format/doc_writer.h"
#include "store/interviews.h"

namespace cammio {

// {"interview": {...}}: the list view, written to `out` or as a tree.
void WriteInterview(DocWriter& out, const Interview& w, const PublicLinks& links);
Value InterviewDocument(const Interview& w, const PublicLinks& links);
// The detail view: with reviewers, reviews and recordings embedded (read
// first; nothing is written to *out on error).
Status InterviewDetail(Db& db, const Interview& w, const PublicLinks& links, DocWriter* out);

Status ListInterviewsHandler(Call& call);
Status GetInterviewHandler(Call& call);
Status ListReviewersHandler(Call& call);
Status CreateReviewerHandler(Call& call);
Status GetReviewerHandler(Call& call);
Status UpdateReviewerHandler(Call& call);
Status DeleteReviewerHandler(Call& call);
Status ListReviewsHandler(Call& call);
Status CreateReviewHandler(Call& call);
Status GetReviewHandler(Call& call);
Status DeleteReviewHandler(Call& call);
Status ForwardUrlHandler(Call& call);

}  // namespace cammio

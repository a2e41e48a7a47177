// POST /api/vacancies/:vacancy_id/invitations/import: many invitations to
// one vacancy, all or nothing (api/invitations.h, docs/decisions.md
// "Invitation import").
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/errors.h"
#include "api/fields.h"
#include "api/invitation_body.h"
#include "api/invitation_create.h"
#include "api/invitations.h"

namespace cammio {
namespace {

// One bad row: its 1-based index in `invitations`, the field (or "") and
// the error the single create would have given it.
struct RowError {
  size_t row = 0;
  std::string field;
  Status status;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The body's `invitations` array (InvalidArgument or PreconditionFailed for
// a body without one; PayloadTooLarge past kMaxImportRows).
Result<const Value*> ImportRows(const Value& body) {
  Fields f(body);
  f.Require("invitations");
  if (!f.ok()) return f.status();
  const Value* rows = f.Raw("invitations");
  if (!rows->is_array()) return Status::InvalidArgument("invitations must be an array");
  if (rows->items().empty())
    return Status::InvalidArgument("invitations is empty: nothing to import");
  if (rows->items().size() > kMaxImportRows) {
    return Status::PayloadTooLarge("an import creates at most " + std::to_string(kMaxImportRows) +
                                   " invitations; this one has " +
                                   std::to_string(rows->items().size()));
  }
  return rows;
}

// A row as its object: {...} or {"invitation": {...}} (how XML items and
// the single POST's wrapped form look); nullptr for anything else.
const Value* RowObject(const Value& row) {
  if (!row.is_object()) return nullptr;
  if (row.members().size() == 1 && row.members()[0].first == "invitation") {
    const Value& inner = row.members()[0].second;
    return inner.is_object() ? &inner : nullptr;
  }
  return &row;
}

// The refusal of an import with bad rows: 400 when a row is malformed (a
// wrong type, not an object), else 412; `errors` lists every bad row.
void ReplyRowErrors(Call& call, const std::vector<RowError>& bad, size_t rows) {
  bool malformed = false;
  Value errors = Value::Array();
  for (const RowError& e : bad) {
    malformed = malformed || e.status.code() == Status::Code::kInvalidArgument;
    Value o = Value::Object();
    o.Set("row", Value::Int(static_cast<int64_t>(e.row)));
    o.Set("field", e.field.empty() ? Value::Null() : Value::String(e.field));
    o.Set("code", Value::Int(HttpStatusFor(e.status)));
    o.Set("details", Value::String(e.status.details()));
    errors.Push(std::move(o));
  }
  const int status = malformed ? 400 : 412;
  const std::string details =
      std::to_string(bad.size()) + " of " + std::to_string(rows) +
      (rows == 1 ? " row is" : " rows are") + " invalid; nothing was imported (row " +
      std::to_string(bad.front().row) + ": " + bad.front().status.details() + ")";
  call.Reply(status, ErrorDocument(status, details, std::move(errors)));
}

}  // namespace

// Before the write: every row parsed (pure), then on one snapshot the
// vacancy (404 first, as the single create), the body's shape, every row's
// rules, the duplicates, and the emails. Inside one write: the vacancy's
// kind and the rules again, then each row as the single create inserts it
// (api/invitation_create.h). One Store::Write is one transaction (its own
// savepoint): a failure anywhere rolls back every row and email.
Status ImportInvitationsHandler(Call& call) {
  auto body = call.BodyObject("invitation_import");
  if (!body.ok()) return body.status();
  // Its shape is refused after the vacancy's 404 (below), as a bad field of
  // the single create is.
  auto rows = ImportRows(*body);
  const std::vector<Value> none;
  const std::vector<Value>& items = rows.ok() ? (*rows)->items() : none;
  const int64_t account_id = call.account_id();
  const int64_t vacancy_id = call.Param("vacancy_id");

  std::vector<NewInvitation> created;
  created.reserve(items.size());
  std::vector<std::optional<RowError>> errors(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    InvitationPatch patch;
    const Value* row = RowObject(items[i]);
    if (row == nullptr) {
      errors[i] =
          RowError{i + 1, "", Status::InvalidArgument("the row must be an invitation object")};
    } else if (Status parsed = ParseInvitationPatch(*row, &patch); !parsed.ok()) {
      errors[i] = RowError{i + 1, InvitationErrorField(parsed), parsed};
    }
    created.push_back(NewInvitationFor(call, vacancy_id, patch));
  }

  std::vector<RowError> bad;
  Vacancy vacancy;
  Status s = call.store().Read([&](Db& db) {
    auto kind = GetVacancyKind(db, account_id, vacancy_id);
    if (!kind.ok()) return kind.status();
    if (!rows.ok()) return rows.status();
    std::map<std::string, size_t> first_row;  // lower-cased email -> row
    for (size_t i = 0; i < created.size(); ++i) {
      if (errors[i]) continue;
      Status st = CheckInvitation(*kind, created[i].inv);
      if (!st.ok()) {
        errors[i] = RowError{i + 1, InvitationErrorField(st), st};
        continue;
      }
      // Emails are matched without case (store/invitations.h): two rows
      // would invite one candidate twice.
      const std::string& email = created[i].inv.candidate_email;
      auto [at, fresh] = first_row.emplace(Lower(email), i + 1);
      if (!fresh) {
        errors[i] =
            RowError{i + 1, "candidate_email",
                     Status::PreconditionFailed("candidate_email " + email + " is also in row " +
                                                std::to_string(at->second))};
      }
    }
    for (auto& e : errors) {
      if (e) bad.push_back(std::move(*e));
    }
    if (!bad.empty()) return Status::OK();
    auto v = GetVacancyRow(db, account_id, vacancy_id);
    if (!v.ok()) return v.status();
    vacancy = std::move(v.value());
    for (NewInvitation& n : created) ComposeInvitationMail(call, vacancy, &n);
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (!bad.empty()) {
    ReplyRowErrors(call, bad, items.size());
    return Status::OK();
  }

  s = call.WriteAndReply(
      [&](Db& db) {
        auto kind = GetVacancyKind(db, account_id, vacancy_id);
        if (!kind.ok()) return kind.status();
        for (size_t i = 0; i < created.size(); ++i) {
          Status st = CheckInvitation(*kind, created[i].inv);
          if (st.ok()) st = InsertNewInvitation(db, call, vacancy, &created[i]);
          if (!st.ok()) {
            if (st.code() == Status::Code::kPreconditionFailed) {
              return Status::PreconditionFailed("row " + std::to_string(i + 1) + ": " +
                                                st.details());
            }
            return st;
          }
        }
        return Status::OK();
      },
      [&] {
        std::vector<Guest> none;
        Value list = Value::Array();
        for (const NewInvitation& n : created) {
          list.Push(InvitationDocument(n.inv, call.ctx().links, &none));
        }
        call.Reply(201, list, "invitations");
      });
  if (!s.ok()) return s;
  call.ctx().events->MailQueued();
  return Status::OK();
}

}  // namespace cammio

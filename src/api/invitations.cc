// /api/invitations (and /api/vacancies/:vacancy_id/invitations): candidate
// invitations and, for live vacancies, their guests.
#include "api/invitations.h"

#include <algorithm>

#include "api/fields.h"
#include "api/invitation_body.h"
#include "api/invitation_create.h"
#include "api/list_query.h"
#include "api/live.h"
#include "api/reply_text.h"
#include "api/scope.h"
#include "mail/enqueue.h"
#include "mail/message.h"
#include "mail/settings.h"
#include "store/live_sessions.h"
#include "store/vacancies.h"

namespace cammio {
namespace {

// Loads the invitation `id` of the caller, checking the nested vacancy scope.
Result<Invitation> LoadScoped(Db& db, const Call& call, int64_t id) {
  auto inv = GetInvitation(db, call.account_id(), id);
  if (!inv.ok()) return inv.status();
  Status s = CheckVacancyScope(db, call, inv->vacancy_id);
  if (!s.ok()) return s;
  return inv;
}

void WriteGuest(DocWriter& o, const Guest& g) {
  o.BeginObject("guest");
  o.Int("id", g.id);
  o.String("name", g.name);
  o.String("email", g.email);
  o.EndObject();
}

Value GuestDocument(const Guest& g) {
  return BuildValue([&](DocWriter& o) { WriteGuest(o, g); });
}

// The invitation whose guests a guest path addresses.
Result<Invitation> GuestParent(Db& db, const Call& call) {
  return LoadScoped(db, call, call.Param("invitation_id"));
}

// A live invitation moved to another time: everyone is mailed again (the
// calendar event keeps its UID, with a higher SEQUENCE, so calendars move
// it), inside the update's write (docs/decisions.md "Invitations and
// guests").
Status ResendLive(Db& db, const Call& call, const Invitation& inv,
                  const std::vector<Guest>& guests) {
  const PublicLinks& links = call.ctx().links;
  Status s = mail::EnqueueCandidateInvitation(db, links, inv, call.now());
  if (s.ok()) {
    s = mail::EnqueueInterviewerInvitation(db, links, inv.account_id, inv.id, call.now());
  }
  for (size_t i = 0; s.ok() && i < guests.size(); ++i) {
    s = mail::EnqueueGuestInvitation(db, links, inv.account_id, inv.id, guests[i].id, call.now());
  }
  return s;
}

}  // namespace

void WriteInvitation(DocWriter& o, const Invitation& inv, const PublicLinks& links,
                     const std::vector<Guest>* guests) {
  o.BeginObject("invitation");
  o.Int("id", inv.id);
  o.Int("vacancy_id", inv.vacancy_id);
  o.StringOrNull("reference_id", inv.reference_id);
  inv.datetime_scheduled ? o.Datetime("datetime_scheduled", *inv.datetime_scheduled)
                         : o.Null("datetime_scheduled");
  o.Int("candidate_id", inv.candidate_id);
  o.String("candidate_email", inv.candidate_email);
  o.String("candidate_name", inv.candidate_name);
  o.StringOrNull("candidate_phone", inv.candidate_phone);
  o.StringOrNull("candidate_gender", inv.candidate_gender);
  o.String("title", inv.title);
  o.String("kind", inv.kind);
  inv.kind == "automated" ? o.Int("num_of_questions", inv.num_of_questions)
                          : o.Null("num_of_questions");
  o.StringOrNull("interviewer_name", inv.interviewer_name);
  o.StringOrNull("interviewer_email", inv.interviewer_email);
  std::optional<Value> params;
  if (inv.callback_params) {
    auto parsed = ParseJson(*inv.callback_params);
    if (parsed.ok()) params = std::move(parsed.value());
  }
  params ? o.Tree("callback_params", std::move(*params)) : o.Null("callback_params");
  o.StringOrNull("redirect_url", inv.redirect_url);
  o.String("status", inv.status);
  PublicLinks::Buffer url;
  o.String("url", links.CandidateInterview(inv.token, &url));
  // Live invitations only (docs/decisions.md "Invitations and guests"):
  // automated answers stay as they were.
  if (inv.kind == "live") {
    o.String("interviewer_url", mail::InterviewerLink(links, inv.token, inv.id));
    // When each was first in the room (null until then): a no-show is told
    // from a candidate who waited for an interviewer (docs/decisions.md).
    auto joined = [&o](std::string_view key, const std::optional<int64_t>& at) {
      at ? o.UtcDatetime(key, *at) : o.Null(key);
    };
    joined("datetime_candidate_joined", inv.candidate_joined_at);
    joined("datetime_interviewer_joined", inv.interviewer_joined_at);
  }
  o.UtcDatetime("datetime_updated", inv.updated_at);
  if (guests != nullptr) {
    o.BeginArray("guests");
    for (const auto& g : *guests) WriteGuest(o, g);
    o.EndArray();
  }
  o.EndObject();
}

Value InvitationDocument(const Invitation& inv, const PublicLinks& links,
                         const std::vector<Guest>* guests) {
  return BuildValue([&](DocWriter& o) { WriteInvitation(o, inv, links, guests); });
}

// Answers with one invitation document, written straight into the answer
// (the bytes call.Reply(InvitationDocument(...)) gives, without the tree).
void ReplyInvitation(Call& call, int http_status, const Invitation& inv,
                     const std::vector<Guest>* guests) {
  DocWriter out(call.format());
  WriteInvitation(out, inv, call.ctx().links, guests);
  ReplyText(call, http_status, out.Take());
}

Status ListInvitationsHandler(Call& call) {
  ListQuery q;
  Status s = ParseListQuery(call, {}, &q);
  if (!s.ok()) return s;
  InvitationFilter f{std::nullopt, q.from, q.to, q.updated_since, q.limit, q.offset};
  // Written straight into the answer as the rows are read: the bytes
  // Render() gives for the list of InvitationDocument trees
  // (tests/api/list_text_test.cc). Room for a page of up to 100.
  const size_t page = q.limit < 0 ? 100 : static_cast<size_t>(std::min<int64_t>(q.limit, 100));
  DocWriter out(call.format(), ListTextReserve(call.format(), page, 1024));
  out.BeginArray("invitations");
  int64_t total = 0;
  s = call.store().Read([&](Db& db) {
    Status st = CheckVacancyScope(db, call, 0);
    if (st.ok() && call.Param("vacancy_id")) f.vacancy_id = call.Param("vacancy_id");
    if (!st.ok()) return st;
    return ForEachOpenInvitation(db, call.account_id(), f, &total, [&](const Invitation& inv) {
      WriteInvitation(out, inv, call.ctx().links, nullptr);
    });
  });
  if (!s.ok()) return s;
  out.EndArray();
  ReplyText(call, 200, out.Take(), total);
  return Status::OK();
}

// Before the write: the body, the token, the rules and the email (composed
// from a snapshot of the vacancy). Inside: the vacancy's kind (it decides),
// the insert, the re-read for the answer, the email's row
// (api/invitation_create.h; the import takes the same steps).
Status CreateInvitationHandler(Call& call) {
  auto body = call.BodyObject("invitation");
  if (!body.ok()) return body.status();
  int64_t vacancy_id = call.Param("vacancy_id");
  if (vacancy_id == 0) {
    Fields f(*body);
    f.Require("vacancy_id");
    vacancy_id = f.Id("vacancy_id").value_or(0);
    if (!f.ok()) return f.status();
  }
  const int64_t account_id = call.account_id();
  InvitationPatch patch;
  Status parsed = ParseInvitationPatch(*body, &patch);
  NewInvitation n = NewInvitationFor(call, vacancy_id, patch);
  Vacancy vacancy;
  Status s = call.store().Read([&](Db& db) {
    auto kind = GetVacancyKind(db, account_id, vacancy_id);
    if (!kind.ok()) return kind.status();
    if (!parsed.ok()) return parsed;
    Status st = CheckInvitation(*kind, n.inv);
    if (!st.ok()) return st;
    auto v = GetVacancyRow(db, account_id, vacancy_id);
    if (!v.ok()) return v.status();
    vacancy = std::move(v.value());
    ComposeInvitationMail(call, vacancy, &n);
    return Status::OK();
  });
  if (!s.ok()) return s;
  std::vector<Guest> none;
  s = call.WriteAndReply(
      [&](Db& db) {
        auto kind = GetVacancyKind(db, account_id, vacancy_id);
        if (!kind.ok()) return kind.status();
        Status st = CheckInvitation(*kind, n.inv);
        if (!st.ok()) return st;
        return InsertNewInvitation(db, call, vacancy, &n);
      },
      [&] { ReplyInvitation(call, 201, n.inv, &none); });
  if (!s.ok()) return s;
  call.ctx().events->MailQueued();
  return Status::OK();
}

Status GetInvitationHandler(Call& call) {
  DocWriter out(call.format());
  Status s = call.store().Read([&](Db& db) {
    auto inv = LoadScoped(db, call, call.Param("id"));
    if (!inv.ok()) return inv.status();
    std::vector<Guest> guests;
    Status st = ListGuests(db, call.account_id(), inv->id, &guests);
    if (st.ok()) WriteInvitation(out, *inv, call.ctx().links, &guests);
    return st;
  });
  if (!s.ok()) return s;
  ReplyText(call, 200, out.Take());
  return Status::OK();
}

Status UpdateInvitationHandler(Call& call) {
  auto body = call.BodyObject("invitation");
  if (!body.ok()) return body.status();
  Fields f(*body);
  auto moved = f.Id("vacancy_id");
  Status parsed = f.status();
  InvitationPatch patch;
  if (parsed.ok()) parsed = ParseInvitationPatch(*body, &patch);
  // The reads that decide and the rules over the merged row, in the order
  // the answer's errors take. On a snapshot before the write (so invalid
  // input never reaches the writer), and again inside it.
  auto build = [&](Db& db, Invitation* updated) {
    auto inv = LoadScoped(db, call, call.Param("id"));
    if (!inv.ok()) return inv.status();
    if (inv->status != "open") {
      return Status::PreconditionFailed("invitation " + std::to_string(inv->id) +
                                        " is completed and cannot be changed");
    }
    if (moved && *moved != inv->vacancy_id && call.Param("vacancy_id") == 0) {
      return Status::PreconditionFailed("vacancy_id cannot be changed; invite again instead");
    }
    if (!parsed.ok()) return parsed;
    *updated = std::move(inv.value());
    ApplyInvitationPatch(patch, updated);
    return CheckInvitation(updated->kind, *updated);
  };
  Invitation updated;
  Status s = call.store().Read([&](Db& db) { return build(db, &updated); });
  if (!s.ok()) return s;
  Invitation stored;
  std::vector<Guest> guests;
  bool rescheduled = false;
  bool new_interviewer = false;
  s = call.store().Write([&](Db& db) {
    auto before = GetInvitation(db, call.account_id(), call.Param("id"));
    if (!before.ok()) return before.status();
    Status st = build(db, &updated);
    if (!st.ok()) return st;
    updated.updated_at = call.now();
    st = UpdateInvitation(db, updated);
    if (!st.ok()) return st;
    auto again = GetInvitation(db, call.account_id(), updated.id);
    if (!again.ok()) return again.status();
    stored = std::move(again.value());
    guests.clear();
    st = ListGuests(db, call.account_id(), updated.id, &guests);
    if (!st.ok()) return st;
    rescheduled = stored.kind == "live" && stored.datetime_scheduled_ts.value_or(0) !=
                                               before->datetime_scheduled_ts.value_or(0);
    // A new interviewer (name or address) gets the link and the calendar
    // entry; a reschedule already mails everyone.
    new_interviewer = stored.kind == "live" && !rescheduled &&
                      (stored.interviewer_email != before->interviewer_email ||
                       stored.interviewer_name != before->interviewer_name);
    if (rescheduled) return ResendLive(db, call, stored, guests);
    if (new_interviewer) {
      return mail::EnqueueInterviewerInvitation(db, call.ctx().links, stored.account_id, stored.id,
                                                call.now());
    }
    return Status::OK();
  });
  if (!s.ok()) return s;
  ReplyInvitation(call, 200, stored, &guests);
  if (rescheduled || new_interviewer) call.ctx().events->MailQueued();
  return Status::OK();
}

Status DeleteInvitationHandler(Call& call) {
  int64_t revoked = 0;
  Status s = call.store().Write([&](Db& db) {
    auto inv = LoadScoped(db, call, call.Param("id"));
    if (!inv.ok()) return inv.status();
    revoked = inv->id;
    return RevokeInvitation(db, call.account_id(), inv->id, call.now());
  });
  if (!s.ok()) return s;
  // A live interview's room closes with it (everyone is told `ended`).
  if (call.ctx().live != nullptr) {
    call.ctx().live->registry().Close(revoked, "revoked", FormatUtc(call.now()));
  }
  call.Reply(200, Value::Wrap("result", Value::String("INVITATION_DELETED")));
  return Status::OK();
}

Status ResendInvitationHandler(Call& call) {
  Invitation inv;
  std::vector<Guest> guests;  // the answer embeds them, as GET does
  // WriteAndReply: with an Idempotency-Key, the queued email and the
  // remembered answer commit together, so a retry never mails twice.
  Status s = call.WriteAndReply(
      [&](Db& db) {
        auto found = LoadScoped(db, call, call.Param("id"));
        if (!found.ok()) return found.status();
        if (found->status != "open") {
          return Status::PreconditionFailed("invitation " + std::to_string(found->id) +
                                            " is completed; its email cannot be sent again");
        }
        // EnqueueCandidateInvitation queues nothing when email is off: say so
        // rather than answer a resend that sends nothing.
        auto disabled = mail::EmailDisabled(db, call.account_id());
        if (!disabled.ok()) return disabled.status();
        if (*disabled) {
          return Status::PreconditionFailed(
              "email is disabled for this account (settings/notifications disable_email)");
        }
        inv = std::move(found.value());
        Status st = mail::EnqueueCandidateInvitation(db, call.ctx().links, inv, call.now());
        if (st.ok()) st = ListGuests(db, call.account_id(), inv.id, &guests);
        return st;
      },
      [&] { ReplyInvitation(call, 202, inv, &guests); });
  if (!s.ok()) return s;
  call.ctx().events->MailQueued();
  return Status::OK();
}

Status ListGuestsHandler(Call& call) {
  ListQuery q;
  Status s = ParsePageQuery(call, &q);
  if (!s.ok()) return s;
  std::vector<Guest> guests;
  s = call.store().Read([&](Db& db) {
    auto inv = GuestParent(db, call);
    if (!inv.ok()) return inv.status();
    return ListGuests(db, call.account_id(), inv->id, &guests);
  });
  if (!s.ok()) return s;
  Value list = Value::Array();
  int64_t total = static_cast<int64_t>(guests.size());
  for (int64_t i = q.offset; i < total && (q.limit < 0 || i < q.offset + q.limit); ++i) {
    list.Push(GuestDocument(guests[i]));
  }
  call.ReplyList(list, "guests", total);
  return Status::OK();
}

namespace {

// The invitation a guest may be added to: live and open.
Result<Invitation> LiveParent(Db& db, const Call& call) {
  auto inv = GuestParent(db, call);
  if (!inv.ok()) return inv.status();
  if (inv->kind != "live") {
    return Status::PreconditionFailed("guests can only be invited to live vacancies");
  }
  if (inv->status != "open") return Status::PreconditionFailed("the invitation is completed");
  return inv;
}

}  // namespace

// Before the write: the body and the email (as far as it can be composed:
// mail::GuestMailDraft). Inside: the invitation (it decides), the insert,
// the email's link and row.
Status CreateGuestHandler(Call& call) {
  auto body = call.BodyObject("guest");
  if (!body.ok()) return body.status();
  Guest g;
  Fields f(*body);
  g.name = f.RequiredString("name", 200);
  f.Require("email");
  g.email = f.Email("email").value_or("");
  const Status parsed = f.status();
  mail::GuestMailDraft draft;
  Status s = call.store().Read([&](Db& db) {
    auto inv = LiveParent(db, call);
    if (!inv.ok()) return inv.status();
    if (!parsed.ok()) return parsed;
    auto v = GetVacancyRow(db, call.account_id(), inv->vacancy_id);
    if (!v.ok()) return v.status();
    auto inviter = GetInvitationInviter(db, call.account_id(), inv->id);
    if (!inviter.ok()) return inviter.status();
    draft = mail::ComposeGuestInvitation(call.ctx().links, *inv, *v, *inviter, g,
                                         mail::NewMessageId(call.ctx().links.host()), call.now());
    return Status::OK();
  });
  if (!s.ok()) return s;
  s = call.WriteAndReply(
      [&](Db& db) {
        auto inv = LiveParent(db, call);
        if (!inv.ok()) return inv.status();
        g.invitation_id = inv->id;
        Status st = InsertGuest(db, call.account_id(), &g, call.now());
        if (!st.ok()) return st;
        return mail::InsertGuestInvitation(db, call.ctx().links, draft, g.id);
      },
      [&] { call.Reply(201, GuestDocument(g)); });
  if (!s.ok()) return s;
  call.ctx().events->MailQueued();
  return Status::OK();
}

Status GetGuestHandler(Call& call) {
  Guest g;
  Status s = call.store().Read([&](Db& db) {
    auto inv = GuestParent(db, call);
    if (!inv.ok()) return inv.status();
    auto found = GetGuest(db, call.account_id(), inv->id, call.Param("id"));
    if (found.ok()) g = found.value();
    return found.status();
  });
  if (!s.ok()) return s;
  call.Reply(200, GuestDocument(g));
  return Status::OK();
}

Status UpdateGuestHandler(Call& call) {
  auto body = call.BodyObject("guest");
  if (!body.ok()) return body.status();
  Fields f(*body);
  std::optional<std::string> name, email;
  if (f.Has("name")) name = f.RequiredString("name", 200);
  if (f.Has("email")) {
    f.Require("email");
    email = f.Email("email").value_or("");
  }
  const Status parsed = f.status();
  // The reads that decide, in the order the answer's errors take.
  auto load = [&](Db& db) -> Result<Guest> {
    auto inv = GuestParent(db, call);
    if (!inv.ok()) return inv.status();
    auto found = GetGuest(db, call.account_id(), inv->id, call.Param("id"));
    if (!found.ok()) return found.status();
    if (inv->status != "open") return Status::PreconditionFailed("the invitation is completed");
    return found;
  };
  if (!parsed.ok()) return call.RefuseInvalid(parsed, [&](Db& db) { return load(db).status(); });
  Guest g;
  Status s = call.store().Write([&](Db& db) {
    auto found = load(db);
    if (!found.ok()) return found.status();
    g = std::move(found.value());
    if (name) g.name = *name;
    if (email) g.email = *email;
    return UpdateGuest(db, call.account_id(), g);
  });
  if (!s.ok()) return s;
  call.Reply(200, GuestDocument(g));
  return Status::OK();
}

Status DeleteGuestHandler(Call& call) {
  int64_t invitation_id = 0;
  Status s = call.store().Write([&](Db& db) {
    auto inv = GuestParent(db, call);
    if (!inv.ok()) return inv.status();
    auto found = GetGuest(db, call.account_id(), inv->id, call.Param("id"));
    if (!found.ok()) return found.status();
    if (inv->status != "open") return Status::PreconditionFailed("the invitation is completed");
    invitation_id = inv->id;
    Status d = DeleteGuest(db, call.account_id(), inv->id, call.Param("id"));
    // The deleted guest's link answers 410 (api/live_link.h).
    return d.ok() ? RememberDeletedGuest(db, call.Param("id"), inv->id) : d;
  });
  if (!s.ok()) return s;
  // A guest in the live room is dropped from it (told `removed`).
  if (call.ctx().live != nullptr) {
    call.ctx().live->registry().Expel(invitation_id, "guest-" + std::to_string(call.Param("id")),
                                      call.now());
  }
  call.Reply(200, Value::Wrap("result", Value::String("GUEST_DELETED")));
  return Status::OK();
}

}  // namespace cammio

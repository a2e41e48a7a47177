#include "cli/demo.h"

#include <cstdlib>
#include <iostream>
#include <vector>

#include "cli/cli.h"
#include "config/public_links.h"
#include "mail/enqueue.h"

#include "store/accounts.h"
#include "store/console_sessions.h"
#include "store/interviews.h"
#include "store/invitations.h"
#include "store/users.h"
#include "store/vacancies.h"
#include "util/password.h"
#include "util/random.h"
#include "util/time.h"

namespace cammio {
namespace {

struct VacancySpec {
  const char* reference;
  const char* title;
  const char* kind;
  const char* scope;
  std::vector<const char*> questions;
};

const VacancySpec kAutomated = {
    "cammio-demo-automated",
    "Customer Service Representative",
    "automated",
    "private",
    {"Tell us about yourself.", "Describe a difficult customer you helped, and how.",
     "Why would you like to work with us?"}};
const VacancySpec kLive = {
    "cammio-demo-live", "Sales Manager (live interview)", "live", "private", {}};
const VacancySpec kPublic = {
    "cammio-demo-public",
    "Open Application",
    "automated",
    "public",
    {"Introduce yourself in one minute.", "What kind of job are you looking for?"}};

Result<Vacancy> EnsureVacancy(Db& db, const User& user, const VacancySpec& spec, int64_t now) {
  auto id = FindVacancyIdByReference(db, user.account_id, spec.reference);
  if (!id.ok()) return id.status();
  if (*id == 0) {
    Vacancy v;
    v.account_id = user.account_id;
    v.recruiter_id = user.id;
    v.title = spec.title;
    v.kind = spec.kind;
    v.scope = spec.scope;
    v.language = "en";
    v.reference_id = spec.reference;
    v.datetime_start = "2024-01-01T00:00:00Z";
    v.datetime_end = "2099-12-31T00:00:00Z";
    auto start = ParseDatetime(v.datetime_start, "datetime_start");
    auto end = ParseDatetime(v.datetime_end, "datetime_end");
    if (!start.ok() || !end.ok()) return Status::Internal("demo vacancy dates");
    v.datetime_start_ts = start->epoch;
    v.datetime_end_ts = end->epoch;
    v.play_test_question = "yes";
    v.generic_invitation_text =
        "Thank you for your interest! This short video interview takes about ten minutes.";
    v.created_at = now;
    for (size_t i = 0; i < spec.questions.size(); ++i) {
      Question q;
      q.index = static_cast<int64_t>(i);
      q.title = "Question " + std::to_string(i + 1);
      q.text = spec.questions[i];
      v.questions.push_back(q);
    }
    Status s = InsertVacancy(db, &v);
    if (!s.ok()) return s;
    *id = v.id;
  }
  return GetVacancy(db, user.account_id, *id);
}

Result<Invitation> EnsureInvitation(Db& db, const Vacancy& v, const std::string& email,
                                    const std::string& name, int64_t now,
                                    std::optional<int64_t> scheduled) {
  auto id = FindInvitationIdByEmail(db, v.id, email);
  if (!id.ok()) return id.status();
  if (*id == 0) {
    Invitation inv;
    inv.account_id = v.account_id;
    inv.vacancy_id = v.id;
    inv.recruiter_id = v.recruiter_id;
    inv.candidate_email = email;
    inv.candidate_name = name;
    if (scheduled) {
      inv.datetime_scheduled = FormatUtc(*scheduled);
      inv.datetime_scheduled_ts = *scheduled;
    }
    inv.token = OrderedToken(20);
    inv.created_at = inv.updated_at = now;
    Status s = InsertInvitation(db, &inv);
    if (!s.ok()) return s;
    *id = inv.id;
  }
  return GetInvitation(db, v.account_id, *id);
}

// Completes `inv` into an interview (once) with a review by `user` (once).
Result<int64_t> EnsureReviewedInterview(Db& db, const User& user, const Vacancy& v,
                                        const Invitation& inv, int64_t now) {
  auto interview = FindInterviewIdOfInvitation(db, inv.id);
  if (!interview.ok()) return interview.status();
  if (*interview == 0) {
    Completion c;
    c.started_at = now - 600;
    c.ended_at = now - 60;
    for (const Question& q : v.questions) {
      Recording r;
      r.index = q.index;
      r.title = q.text.value_or(q.title);
      r.required = q.required;
      c.recordings.push_back(r);  // no video: the demo has no camera
    }
    Status s = CompleteInvitation(db, inv.id, c, &*interview);
    if (!s.ok()) return s;
  }
  auto reviews = CountReviewsOfInterview(db, *interview);
  if (!reviews.ok()) return reviews.status();
  if (*reviews == 0) {
    Review r;
    r.interview_id = *interview;
    r.reviewer_name = user.name;
    r.rating = 4;
    r.remarks = "Clear answers and a friendly manner. Invite for a second round.";
    Status s = InsertReview(db, user.account_id, &r, user.id, now);
    if (!s.ok()) return s;
  }
  return *interview;
}

}  // namespace

Status SeedDemo(Store& store, const std::string& base_url, int64_t now, DemoStory* out) {
  return store.Write([&](Db& db) -> Status {
    auto user = GetUserByEmail(db, kDemoEmail);
    if (!user.ok()) {
      auto account = CreateAccount(db, "Demo Recruitment Agency", now);
      if (!account.ok()) return account.status();
      user = CreateUser(db, account->id, kDemoEmail, "Demo Recruiter", "+31 85 401 3118", now);
      if (!user.ok()) return user.status();
    }
    auto automated = EnsureVacancy(db, *user, kAutomated, now);
    if (!automated.ok()) return automated.status();
    auto live = EnsureVacancy(db, *user, kLive, now);
    if (!live.ok()) return live.status();
    auto open = EnsureVacancy(db, *user, kPublic, now);
    if (!open.ok()) return open.status();

    auto anna = EnsureInvitation(db, *automated, "anna.jansen@example.test", "Anna Jansen", now,
                                 std::nullopt);
    if (!anna.ok()) return anna.status();
    auto bram = EnsureInvitation(db, *automated, "bram.de.vries@example.test", "Bram de Vries", now,
                                 std::nullopt);
    if (!bram.ok()) return bram.status();
    auto carla = EnsureInvitation(db, *automated, "carla.smit@example.test", "Carla Smit", now,
                                  std::nullopt);
    if (!carla.ok()) return carla.status();
    // Scheduled at the hour the demo was made: its room is open from then on,
    // so a presenter can join as candidate and as interviewer at once.
    auto dirk = EnsureInvitation(db, *live, "dirk.bakker@example.test", "Dirk Bakker", now,
                                 now - now % 3600);
    if (!dirk.ok()) return dirk.status();
    auto interview = EnsureReviewedInterview(db, *user, *automated, *carla, now);
    if (!interview.ok()) return interview.status();

    auto token = CreateToken(db, user->id, now, nullptr);
    if (!token.ok()) return token.status();
    out->access_token = *token;
    const PublicLinks links(base_url);
    out->candidate_url = links.CandidateInterview(anna->token);
    out->live_url = links.CandidateInterview(dirk->token);
    out->live_interviewer_url = mail::InterviewerLink(links, dirk->token, dirk->id);
    out->public_url = links.PublicVacancy(open->public_token);
    out->recruiter_url = links.RecruiterReview(*interview);
    out->interview_id = *interview;
    return Status::OK();
  });
}

namespace {

// Accounts other than the demo's: the story (a public vacancy anyone can
// apply to, a fixed well-known user) does not belong beside real agencies.
Result<int64_t> OtherAccounts(Store& store) {
  int64_t n = 0;
  Status s = store.Read([&](Db& db) {
    auto count = CountAccountsWithoutUser(db, kDemoEmail);
    if (count.ok()) n = *count;
    return count.status();
  });
  if (!s.ok()) return s;
  return n;
}

}  // namespace

int DemoCommand(const Config& config, Store& store, bool alongside) {
  auto others = OtherAccounts(store);
  if (!others.ok()) return CliFail(others.status());
  if (*others > 0 && !alongside) {
    return CliFail(Status::PreconditionFailed(
        "this database holds " + std::to_string(*others) +
        " other account(s); the demo story (a public vacancy anyone can apply to, a well-known "
        "user) is for a demo box: use its own --data directory, or add --alongside yes"));
  }
  std::string port = config.listen.substr(config.listen.rfind(':') + 1);
  const std::string base = PublicLinks(config.public_url, std::atoi(port.c_str())).base();
  DemoStory story;
  Status s = SeedDemo(store, base, SystemClock().Now(), &story);
  if (!s.ok()) return CliFail(s);
  // The console (docs/console.md): the demo user is an admin with a fresh
  // password each run (hashed here: the writer thread only writes).
  const std::string password = RandomToken(10);
  const std::string hash = HashPassword(password, config.password_iterations);
  s = store.Write([&](Db& db) {
    auto u = GetUserByEmail(db, kDemoEmail);
    if (!u.ok()) return u.status();
    UserChange admin;
    admin.role = "admin";
    admin.disabled = false;
    auto changed = UpdateAccountUser(db, u->account_id, u->id, admin, SystemClock().Now());
    if (!changed.ok()) return changed.status();
    Status r = SetPasswordHash(db, u->id, hash);
    if (!r.ok()) return r;
    return RevokeAllConsoleSessions(db, u->id, SystemClock().Now());
  });
  if (!s.ok()) return CliFail(s);
  std::cout << "Demo account ready.\n  username:     " << kDemoEmail
            << "\n  access token: " << story.access_token
            << "\nLinks (with the server running; the browser asks once about the self-signed "
               "certificate):\n"
            << "  candidate interview:  " << story.candidate_url << "\n"
            << "  live interview:       " << story.live_url << "\n"
            << "  live, interviewer:    " << story.live_interviewer_url << "\n"
            << "  public vacancy:       " << story.public_url << "\n"
            << "  recruiter page:       " << story.recruiter_url
            << "   (user name and access token above)\n"
            << "Recruiter console:\n  " << base << "/console\n  email:    " << kDemoEmail
            << "\n  password: " << password << "\n"
            << "Try:\n  curl --cacert " << config.data_dir << "/tls/cert.pem -u '" << kDemoEmail
            << ":" << story.access_token << "' " << base << "/api/vacancies\n";
  return 0;
}

}  // namespace cammio

// Test fixtures for the operations tests: a data directory with a store, and
// a seeded candidate with an invitation, a completed interview, media files
// on disk, reviewers, reviews, a notification, mail and an idempotency
// answer -- inserted with plain SQL so the tests do not depend on the API
// flow that produces them.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/accounts.h"
#include "store/store.h"
#include "testing/test_support.h"
#include "util/fs.h"
#include "util/random.h"

namespace cammio::testing {

inline std::unique_ptr<Store> OpenTestStore(const std::string& dir) {
  StoreOptions o;
  o.path = dir + "/cammio.db";
  auto s = Store::Open(o);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return std::move(s.value());
}

inline int64_t Scalar(Store& store, const std::string& sql) {
  int64_t v = -1;
  Status s = store.Read([&](Db& db) {
    auto st = db.PrepareDynamic(sql);
    if (!st.ok()) return st.status();
    Status r;
    if (st->Step(&r)) v = st->Int(0);
    return r;
  });
  REQUIRE_MESSAGE(s.ok(), sql << ": " << s.ToString());
  return v;
}

inline int64_t Insert(Db& db, const std::string& sql) {
  Status s = db.Exec(sql.c_str());
  REQUIRE_MESSAGE(s.ok(), sql << ": " << s.ToString());
  return db.LastInsertId();
}

inline void WriteTestFile(const std::string& path, const std::string& data) {
  REQUIRE(MakeDirs(DirName(path)).ok());
  std::ofstream out(path, std::ios::binary);
  out << data;
  REQUIRE(out.good());
}

struct SeedAccount {
  int64_t account = 0;
  int64_t user = 0;
  int64_t vacancy = 0;
};

// Runs `fn` in a transaction on a connection of its own (on this thread, so
// doctest assertions inside work), beside the Store's.
template <class Fn>
void SeedWrite(const std::string& data_dir, Fn fn) {
  auto conn = Db::Open(data_dir + "/cammio.db", Db::Options());
  REQUIRE(conn.ok());
  Db& db = **conn;
  REQUIRE(db.Exec("BEGIN IMMEDIATE").ok());
  REQUIRE(fn(db).ok());
  REQUIRE(db.Exec("COMMIT").ok());
}

inline SeedAccount SeedAccountWithVacancy(const std::string& data_dir, const std::string& name) {
  SeedAccount a;
  SeedWrite(data_dir, [&](Db& db) {
    auto acc = CreateAccount(db, name, 1000);
    if (!acc.ok()) return acc.status();
    a.account = acc->id;
    auto u = CreateUser(db, a.account, "rec" + RandomToken(4) + "@agency.test", "Rec", std::nullopt,
                        1000);
    if (!u.ok()) return u.status();
    a.user = u->id;
    a.vacancy = Insert(
        db,
        "INSERT INTO vacancies (account_id, recruiter_id, title, kind, scope, datetime_start,"
        " datetime_start_ts, datetime_end, datetime_end_ts, answering_time, cv_upload_required,"
        " use_as_template, public_token, created_at, updated_at) VALUES (" +
            std::to_string(a.account) + ", " + std::to_string(a.user) +
            ", 'Developer', 'automated', 'private', '2020-01-01T00:00:00Z', 0,"
            " '2099-01-01T00:00:00Z', 4070908800, '120', 'no', 'no', '" +
            RandomToken(10) + "', 1000, 1000)");
    return Status::OK();
  });
  return a;
}

struct Seeded {
  int64_t candidate = 0, invitation = 0, interview = 0;
  std::vector<std::string> files;  // absolute paths of its media files
};

// A candidate `email` of the account with one completed interview ending at
// `ended_at`, three media files (recording, thumbnail, a finished CV upload)
// and an unfinished upload's .part file.
inline Seeded SeedInterview(const std::string& data_dir, const SeedAccount& a,
                            const std::string& email, int64_t ended_at) {
  Seeded s;
  std::string acc = std::to_string(a.account);
  std::vector<std::pair<std::string, std::string>> files;  // relative path, content
  SeedWrite(data_dir, [&](Db& db) {
    db.Exec(("INSERT OR IGNORE INTO candidates (account_id, email, name, created_at) VALUES (" +
             acc + ", '" + email + "', 'Cand Name', 1000)")
                .c_str());
    auto st = db.PrepareDynamic("SELECT id FROM candidates WHERE account_id = " + acc +
                                " AND email = '" + email + "'");
    Status r;
    REQUIRE((st.ok() && st->Step(&r)));
    s.candidate = st->Int(0);
    std::string cand = std::to_string(s.candidate);
    s.invitation = Insert(
        db,
        "INSERT INTO invitations (account_id, vacancy_id, candidate_id, recruiter_id, status,"
        " candidate_name, token, created_at, updated_at) VALUES (" +
            acc + ", " + std::to_string(a.vacancy) + ", " + cand + ", " + std::to_string(a.user) +
            ", 'completed', 'Cand Name', '" + RandomToken(10) + "', 1000, 1000)");
    std::string inv = std::to_string(s.invitation);
    Insert(db, "INSERT INTO guests (account_id, invitation_id, name, email, created_at) VALUES (" +
                   acc + ", " + inv + ", 'Guest', 'guest@x.test', 1000)");
    auto media = [&](const char* kind, const char* ext, const std::string& content) {
      int64_t id = Insert(db,
                          "INSERT INTO videos (account_id, kind, path, content_type, size,"
                          " created_at) VALUES (" +
                              acc + ", '" + kind +
                              "', 'pending',"
                              " 'application/octet-stream', " +
                              std::to_string(content.size()) + ", 1000)");
      std::string rel = acc + "/" + std::to_string(id) + "." + ext;
      db.Exec(("UPDATE videos SET path = '" + rel + "' WHERE id = " + std::to_string(id)).c_str());
      files.emplace_back(rel, content);
      return id;
    };
    int64_t rec = media("recording", "webm", "\x1a\x45\xdf\xa3 recording of " + email);
    int64_t thumb = media("thumbnail", "jpg", "\xff\xd8\xff thumb");
    int64_t cv = media("cv", "bin", "%PDF cv of " + email);
    for (int64_t v : {rec, cv}) {
      Insert(db,
             "INSERT INTO uploads (account_id, invitation_id, kind, length, received, video_id,"
             " created_at, updated_at) VALUES (" +
                 acc + ", " + inv + ", 'recording', 10, 10, " + std::to_string(v) +
                 ", 1000, 1000)");
    }
    int64_t part = Insert(db,
                          "INSERT INTO uploads (account_id, invitation_id, kind, length,"
                          " received, created_at, updated_at) VALUES (" +
                              acc + ", " + inv + ", 'recording', 100, 5, 1000, 1000)");
    files.emplace_back("uploads/" + std::to_string(part) + ".part", "\x1a\x45\xdf\xa3 ");
    s.interview =
        Insert(db,
               "INSERT INTO interviews (account_id, vacancy_id, invitation_id, candidate_id,"
               " datetime_start_ts, datetime_end_ts, thumbnail_video_id, created_at, updated_at) "
               "VALUES (" +
                   acc + ", " + std::to_string(a.vacancy) + ", " + inv + ", " + cand + ", " +
                   std::to_string(ended_at - 60) + ", " + std::to_string(ended_at) + ", " +
                   std::to_string(thumb) + ", 1000, 1000)");
    std::string iv = std::to_string(s.interview);
    Insert(db,
           "INSERT INTO recordings (account_id, interview_id, idx, title, video_id, thumbnail_id)"
           " VALUES (" +
               acc + ", " + iv + ", 0, 'Q1', " + std::to_string(rec) + ", " +
               std::to_string(thumb) + ")");
    int64_t reviewer =
        Insert(db,
               "INSERT INTO reviewers (account_id, interview_id, name, email,"
               " token, created_at) VALUES (" +
                   acc + ", " + iv + ", 'Rev', 'rev@x.test', '" + RandomToken(10) + "', 1000)");
    Insert(db,
           "INSERT INTO reviews (account_id, interview_id, reviewer_name, rating, remarks,"
           " created_at) VALUES (" +
               acc + ", " + iv + ", 'Rev', 4, 'good', 1000)");
    Insert(db,
           "INSERT INTO forward_links (account_id, interview_id, token, created_at, expires_at,"
           " opens_left) VALUES (" +
               acc + ", " + iv + ", '" + RandomToken(10) + "', 1000, 2000, 3)");
    Insert(db,
           "INSERT INTO notifications (account_id, interview_id, webhook_id, method, url,"
           " headers, body, created_at, updated_at) VALUES (" +
               acc + ", " + iv + ", '" + RandomToken(8) +
               "', 'POST', 'https://ats.test/hook', '{}', '{\"email\":\"" + email +
               "\"}', 1000, 1000)");
    auto mail = [&](const char* kind, int64_t ref, const std::string& to) {
      Insert(db,
             "INSERT INTO mail_outbox (account_id, kind, ref_id, to_address, subject, body_text,"
             " body_html, message_id, next_attempt_at, created_at, updated_at) VALUES (" +
                 acc + ", '" + kind + "', " + std::to_string(ref) + ", '" + to +
                 "', 'Hi', 'Hello " + email + "', '<p>Hello</p>', '" + RandomToken(8) +
                 "@x', 1000, 1000, 1000)");
    };
    mail("candidate_invitation", s.invitation, email);
    mail("interview_completed", s.interview, "rec@agency.test");
    mail("reviewer_invitation", reviewer, "rev@x.test");
    Insert(db,
           "INSERT INTO idempotency_keys (account_id, key, request_hash, status, content_type,"
           " body, created_at) VALUES (" +
               acc + ", '" + RandomToken(6) +
               "', x'00', 201,"
               " 'application/json', '{\"invitation\":{\"candidate_email\":\"" +
               email + "\"}}', 1000)");
    return Status::OK();
  });
  for (const auto& [rel, content] : files) {
    WriteTestFile(data_dir + "/media/" + rel, content);
    s.files.push_back(data_dir + "/media/" + rel);
  }
  return s;
}

}  // namespace cammio::testing

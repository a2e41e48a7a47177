#include "ops/candidate_data.h"

#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "cammio/document.h"
#include "ops/backup.h"
#include "ops/purge.h"
#include "ops/tar.h"
#include "store/candidate_rows.h"
#include "store/migrate.h"
#include "util/crypto.h"
#include "util/fs.h"
#include "util/time.h"
#include "util/version.h"

namespace cammio::ops {
namespace {

// Columns never exported: link tokens and secrets (of others, or credentials).
bool Hidden(const std::string& column) {
  static const std::set<std::string> kHidden = {"token",       "access_hash", "reviewer_token",
                                                "headers",     "password",    "signing_secret",
                                                "request_hash"};
  return kHidden.count(column) > 0;
}

// The rows of one section as objects, without the hidden columns; text that
// is not UTF-8 (blobs) as "base64:...".
Value RowsValue(const std::vector<ExportedRow>& rows) {
  Value out = Value::Array();
  for (const ExportedRow& cells : rows) {
    Value row = Value::Object();
    for (const RowCell& cell : cells) {
      const std::string& name = cell.column;
      if (Hidden(name)) continue;
      switch (cell.type) {
        case RowCell::Type::kInt:
          row.Set(name, Value::Int(cell.int_value));
          break;
        case RowCell::Type::kFloat:
          row.Set(name, Value::Double(cell.float_value));
          break;
        case RowCell::Type::kNull:
          row.Set(name, Value::Null());
          break;
        case RowCell::Type::kBytes: {
          const std::string& v = cell.bytes;
          row.Set(name,
                  IsValidUtf8(v) ? Value::String(v) : Value::String("base64:" + Base64Encode(v)));
        }
      }
    }
    out.Push(std::move(row));
  }
  return out;
}

}  // namespace

Status EraseCandidate(Store& store, const std::string& data_dir, int64_t account_id,
                      const std::string& email, int64_t now, EraseResult* result) {
  std::vector<std::string> files;
  Status s = store.Write([&](Db& db) {
    auto id = FindCandidateId(db, account_id, email);
    if (!id.ok()) return id.status();
    std::vector<int64_t> invitations, interviews;
    Status r = CandidateInvitationIds(db, account_id, *id, &invitations);
    if (r.ok()) r = CandidateInterviewIds(db, account_id, *id, &interviews);
    Eraser p(db, account_id, data_dir + "/media");
    for (size_t i = 0; r.ok() && i < invitations.size(); ++i) r = p.Invitation(invitations[i]);
    // Interviews without an invitation (or already gone with one: NotFound).
    for (size_t i = 0; r.ok() && i < interviews.size(); ++i) {
      r = p.Interview(interviews[i]);
      if (r.IsNotFound()) r = Status::OK();
    }
    if (r.ok()) r = p.FinishMedia();
    if (r.ok()) r = p.MailTo(email);
    // Remembered POST answers (Idempotency-Key) that quote the email.
    if (r.ok()) r = p.IdempotencyQuoting(email);
    if (r.ok()) r = p.DropOrphanCandidates({*id});
    if (r.ok()) r = p.Audit("candidate_erase", now, &result->reference);
    if (!r.ok()) return r;
    result->counts = p.counts();
    files = p.files();
    return Status::OK();
  });
  if (!s.ok()) return s;
  result->files_not_removed = UnlinkFiles(files);
  return Status::OK();
}

Status ExportCandidate(Store& store, const std::string& data_dir, int64_t account_id,
                       const std::string& email, int64_t now, const std::string& archive_path,
                       ExportResult* result) {
  if (PathExists(archive_path)) {
    return Status::InvalidArgument(archive_path + " already exists; choose a new file");
  }
  Value doc = Value::Object();
  std::vector<std::string> media;
  Manifest m;
  m.kind = "candidate-export";
  m.cammio_version = CammioVersion();
  m.created_at = now;
  Status s = store.Read([&](Db& db) {
    auto id = FindCandidateId(db, account_id, email);
    if (!id.ok()) return id.status();
    doc.Set("exported_at", Value::Datetime(FormatUtc(now)));
    doc.Set("account_id", Value::Int(account_id));
    doc.Set("email", Value::String(email));
    Status r = ReadCandidateSections(
        db, account_id, *id, email, [&](const char* name, std::vector<ExportedRow> cells) {
          Value rows = RowsValue(cells);
          if (std::string(name) == "media") {
            for (const Value& row : rows.items()) media.push_back(row.Find("path")->as_string());
          }
          if (std::string(name) == "uploads") {
            for (const Value& row : rows.items()) {
              if (row.Find("video_id")->is_null()) {
                media.push_back("uploads/" + std::to_string(row.Find("id")->as_int()) + ".part");
              }
            }
          }
          doc.Set(name, std::move(rows));
          return Status::OK();
        });
    if (r.ok()) r = ReadSchemaVersion(db, &m.schema_version);
    return r;
  });
  if (!s.ok()) return s;
  result->invitations = static_cast<int64_t>(doc.Find("invitations")->size());
  result->interviews = static_cast<int64_t>(doc.Find("interviews")->size());

  const std::string partial = archive_path + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "creating " + partial);
  TarWriter tar(fd, partial);
  ManifestMember json{"candidate.json", 0, ""};
  std::string text = RenderJson(Value::Wrap("candidate_export", std::move(doc)));
  json.size = static_cast<int64_t>(text.size());
  s = tar.AddBytes(json.name, text, now, &json.sha256);
  if (s.ok()) m.members.push_back(json);
  for (size_t i = 0; s.ok() && i < media.size(); ++i) {
    if (!IsSafeMemberName(media[i])) continue;
    s = AddFileToArchive(tar, "media/" + media[i], data_dir + "/media/" + media[i], true, &m);
  }
  result->media_files = static_cast<int64_t>(m.members.size()) - 1;
  if (s.ok()) s = tar.AddBytes(kManifestName, ManifestToJson(m), now, nullptr);
  if (s.ok()) s = tar.Finish();
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "syncing " + partial);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(errno, "closing " + partial);
  if (s.ok() && ::rename(partial.c_str(), archive_path.c_str()) != 0) {
    s = ErrnoStatus(errno, "renaming " + partial);
  }
  if (!s.ok()) RemoveFile(partial);
  return s;
}

}  // namespace cammio::ops

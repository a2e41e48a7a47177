#include "api/videos.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "store/videos.h"

namespace cammio {
namespace {

// Closes the descriptor when the last copy of the provider is gone.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { ::close(fd); }
  int fd;
};

}  // namespace

// Resolves a single Range against `size`: false when unsatisfiable. Several
// ranges are answered with the whole file (RFC 9110 allows ignoring Range).
bool ResolveRange(const httplib::Ranges& ranges, size_t size, size_t* begin, size_t* end) {
  *begin = 0;
  *end = size;
  if (ranges.size() != 1) return true;
  ssize_t first = ranges[0].first, last = ranges[0].second;
  if (first < 0) {  // suffix: the last `last` bytes
    if (last <= 0) return false;
    *begin = size > static_cast<size_t>(last) ? size - static_cast<size_t>(last) : 0;
    return size > 0;
  }
  if (static_cast<size_t>(first) >= size) return false;
  *begin = static_cast<size_t>(first);
  if (last >= 0 && static_cast<size_t>(last) + 1 < size) *end = static_cast<size_t>(last) + 1;
  return true;
}

namespace {

// The file name a downloaded document is saved as.
std::string DownloadName(const std::string& content_type) {
  if (content_type == "application/pdf") return "cv.pdf";
  if (content_type == "application/msword") return "cv.doc";
  if (content_type.find("wordprocessingml") != std::string::npos) return "cv.docx";
  return "download.bin";
}

}  // namespace

Status ReplyWithFile(Call& call, const std::string& path, const std::string& content_type) {
  // Media are uploaded by candidates and served from the origin of the
  // recruiter pages: never as an active document of that origin. A document
  // (a CV: PDF, Word) is a download; anything opened directly is sandboxed.
  call.res().set_header("Content-Security-Policy", "sandbox");
  const bool playable = content_type.rfind("video/", 0) == 0 ||
                        content_type.rfind("audio/", 0) == 0 ||
                        content_type.rfind("image/", 0) == 0;
  if (!playable) {
    call.res().set_header("Content-Disposition",
                          "attachment; filename=\"" + DownloadName(content_type) + "\"");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open media file " + path);
  auto file = std::make_shared<Fd>(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::IoError("cannot stat media file " + path);
  size_t size = static_cast<size_t>(st.st_size);
  call.res().set_header("Accept-Ranges", "bytes");
  size_t begin = 0, end = size;
  bool partial = call.req().ranges.size() == 1;
  if (!ResolveRange(call.req().ranges, size, &begin, &end)) {
    call.res().status = 416;
    call.res().set_header("Content-Range", "bytes */" + std::to_string(size));
    return Status::OK();
  }
  if (partial) {
    call.res().status = 206;
    call.res().set_header("Content-Range", "bytes " + std::to_string(begin) + "-" +
                                               std::to_string(end - 1) + "/" +
                                               std::to_string(size));
  }
  // The range is applied here; cpp-httplib must not apply it again.
  const_cast<httplib::Request&>(call.req()).ranges.clear();
  call.res().set_content_provider(
      end - begin, content_type,
      [file, begin](size_t offset, size_t length, httplib::DataSink& sink) {
        char buf[64 * 1024];
        size_t want = length < sizeof buf ? length : sizeof buf;
        ssize_t n = ::pread(file->fd, buf, want, static_cast<off_t>(begin + offset));
        if (n <= 0) return false;
        return sink.write(buf, static_cast<size_t>(n));
      });
  return Status::OK();
}

Status GetVideoHandler(Call& call) {
  Result<MediaFile> f = Status::Internal("unset");
  Status s = call.store().Read([&](Db& db) {
    f = GetMediaFile(db, call.account_id(), call.Param("video_id"));
    return f.status();
  });
  if (!s.ok()) return s;
  return ReplyWithFile(call, call.ctx().data_dir + "/media/" + f->path, f->content_type);
}

}  // namespace cammio

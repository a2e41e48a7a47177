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

Status ReplyWithFile(Call& call, const std::string& path, const std::string& content_type) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open media file " + path);
  auto file = std::make_shared<Fd>(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::IoError("cannot stat media file " + path);
  size_t size = static_cast<size_t>(st.st_size);
  call.res().set_header("Accept-Ranges", "bytes");
  call.res().set_content_provider(
      size, content_type, [file](size_t offset, size_t length, httplib::DataSink& sink) {
        char buf[64 * 1024];
        size_t want = length < sizeof buf ? length : sizeof buf;
        ssize_t n = ::pread(file->fd, buf, want, static_cast<off_t>(offset));
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

#include "web/interview_view.h"

#include "api/videos.h"
#include "mail/templates.h"
#include "store/uploads.h"
#include "store/videos.h"
#include "util/time.h"
#include "web/html.h"
#include "web/i18n.h"

namespace cammio::web {

Status LoadInterviewView(Db& db, int64_t account_id, int64_t interview_id,
                         const std::string& accept_language, InterviewView* out) {
  auto w = GetInterview(db, account_id, interview_id);
  if (!w.ok()) return w.status();
  out->interview = w.value();
  auto v = GetVacancy(db, account_id, w->vacancy_id);
  if (!v.ok()) return v.status();
  out->lang = PickLanguage(v->language, accept_language);
  Status s = ListRecordings(db, interview_id, &out->recordings);
  if (s.ok()) s = ListReviews(db, account_id, interview_id, &out->reviews);
  if (s.ok()) s = ListReviewers(db, account_id, interview_id, &out->reviewers);
  if (s.ok() && w->invitation_id) {
    auto cv = LatestFinishedMedia(db, *w->invitation_id, "cv");
    if (!cv.ok()) return cv.status();
    out->cv_video_id = *cv;
  }
  return s;
}

std::string DisplayTime(int64_t epoch) {
  std::string iso = FormatUtc(epoch);  // 2024-05-01T14:03:09Z
  if (iso.size() < 16) return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::string DisplaySchedule(const std::string& lang, const std::optional<std::string>& iso) {
  if (!iso || iso->empty()) return Text(lang, "schedule_unknown");
  mail::Language l = lang == "nl" ? mail::Language::kDutch : mail::Language::kEnglish;
  return mail::HumanDatetime(l, *iso);
}

std::string RecordingsHtml(const InterviewView& v,
                           const std::function<std::string(int64_t)>& media_url) {
  std::string cv;
  if (v.cv_video_id) {
    cv = "<p class=\"cv\"><a id=\"cv-link\" href=\"" + Escape(media_url(*v.cv_video_id)) + "\">" +
         Escape(Text(v.lang, "cv_link")) + "</a></p>\n";
  }
  if (v.recordings.empty()) {
    return "<p>" + Escape(Text(v.lang, "no_recordings")) + "</p>\n" + cv;
  }
  std::string html = "<ol class=\"recordings\">\n";
  for (const Recording& r : v.recordings) {
    std::string id = "rec-" + std::to_string(r.id);
    html += "<li class=\"card recording\"><h3 id=\"" + id + "\">" + Escape(r.title) + "</h3>";
    if (r.video_id) {
      html += "<video controls preload=\"metadata\" playsinline aria-labelledby=\"" + id + "\"";
      if (r.thumbnail_id) html += " poster=\"" + Escape(media_url(*r.thumbnail_id)) + "\"";
      html += " src=\"" + Escape(media_url(*r.video_id)) + "\"></video>";
    }
    html += "</li>\n";
  }
  return html + "</ol>\n" + cv;
}

std::string RatingFormHtml(const std::string& lang, const std::string& action,
                           const std::string& heading, const std::string& error,
                           const std::string& csrf) {
  std::string html = "<form class=\"card review-form\" method=\"post\" action=\"" + Escape(action) +
                     "\">\n<h2>" + Escape(heading) + "</h2>\n";
  if (!csrf.empty()) {
    html += "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(csrf) + "\">\n";
  }
  if (!error.empty()) {
    html += "<p class=\"error\" role=\"alert\" id=\"rating-error\">" + Escape(error) + "</p>\n";
  }
  html += "<fieldset class=\"rating\"";
  if (!error.empty()) html += " aria-describedby=\"rating-error\"";
  html += "><legend>" + Escape(Text(lang, "rating")) + "</legend>\n";
  for (int n = 1; n <= 5; ++n) {
    std::string num = std::to_string(n);
    html += "<label class=\"star\"><input type=\"radio\" name=\"rating\" value=\"" + num + "\"" +
            (n == 1 ? " required" : "") + "><span aria-hidden=\"true\">" + num +
            "</span><span class=\"sr-only\">" + Escape(Format(lang, "rating_value", {{"n", num}})) +
            "</span></label>\n";
  }
  html += "</fieldset>\n<label for=\"remarks\">" + Escape(Text(lang, "remarks")) + "</label>\n";
  html += "<textarea id=\"remarks\" name=\"remarks\" rows=\"5\" maxlength=\"10000\"></textarea>\n";
  html += "<button type=\"submit\" class=\"primary\">" + Escape(Text(lang, "submit_review")) +
          "</button>\n</form>";
  return html;
}

std::map<std::string, std::string> ParseForm(const std::string& body) {
  httplib::Params params;
  httplib::detail::parse_query_text(body, params);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : params) out.emplace(k, ToValidUtf8(v));
  return out;
}

bool ReadRatingForm(const std::map<std::string, std::string>& form, int64_t* rating,
                    std::optional<std::string>* remarks) {
  auto r = form.find("rating");
  if (r == form.end() || r->second.size() != 1 || r->second[0] < '1' || r->second[0] > '5') {
    return false;
  }
  *rating = r->second[0] - '0';
  auto m = form.find("remarks");
  if (m != form.end() && !m->second.empty()) {
    remarks->emplace(ToValidUtf8(m->second.substr(0, 65535)));
  }
  return true;
}

Status ReplyMedia(Call& call, int64_t account_id, int64_t video_id) {
  Result<MediaFile> f = Status::Internal("unset");
  Status s = call.store().Read([&](Db& db) {
    f = GetMediaFile(db, account_id, video_id);
    return f.status();
  });
  if (!s.ok()) return s;
  call.res().set_header("Cache-Control", "private, max-age=3600");
  return ReplyWithFile(call, call.ctx().data_dir + "/media/" + f->path, f->content_type);
}

}  // namespace cammio::web

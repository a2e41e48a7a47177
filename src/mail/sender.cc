#include "mail/sender.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "mail/message.h"
#include "mail/settings.h"
#include "util/log.h"

namespace cammio::mail {
namespace {

constexpr char kDisabledReason[] = "email is disabled for the account";
constexpr int64_t kPruneEvery = 3600;

struct Attempt {
  int64_t id = 0;
  SmtpOutcome outcome;
  bool gave_up = false;  // transient, but the retry window has passed
};

}  // namespace

Sender::Sender(Store& store, Clock& clock, SenderOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Sender::~Sender() { Stop(); }

void Sender::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void Sender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (active_ != nullptr) active_->Cancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sender::Kick() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

int64_t Sender::Backoff(const SenderOptions& o, int64_t attempts) {
  int64_t wait = o.first_backoff_s;
  for (int64_t i = 1; i < attempts && wait < o.max_backoff_s; ++i) wait *= 2;
  return std::min(wait, o.max_backoff_s);
}

void Sender::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      kicked_ = false;
    }
    RunOnce();
    std::chrono::milliseconds wait = NextWait();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, wait, [&] { return stopping_ || kicked_; });
  }
}

// Until the next retry is due, at most poll_interval; never a busy loop.
std::chrono::milliseconds Sender::NextWait() {
  std::optional<int64_t> next;
  Status s = store_.Read([&](Db& db) {
    auto n = NextDueTime(db);
    if (!n.ok()) return n.status();
    next = *n;
    return Status::OK();
  });
  auto wait = options_.poll_interval;
  if (s.ok() && next) {
    int64_t seconds = std::max<int64_t>(*next - clock_.Now(), 1);
    wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(seconds));
  }
  return wait;
}

int Sender::RunOnce() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  int attempted = 0;
  std::set<int64_t> seen;  // each mail at most once per pass
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    std::vector<OutboxMail> due;
    const int64_t now = clock_.Now();
    Status s = store_.Read([&](Db& db) { return ListDueMail(db, now, options_.batch, &due); });
    if (!s.ok()) {
      LogWarn("mail: cannot read the outbox: " + s.ToString());
      break;
    }
    due.erase(std::remove_if(due.begin(), due.end(),
                             [&](const OutboxMail& m) { return seen.count(m.id) > 0; }),
              due.end());
    if (due.empty()) break;
    // By account, keeping the due order within each.
    std::vector<int64_t> accounts;
    std::map<int64_t, std::vector<OutboxMail>> groups;
    for (auto& m : due) {
      seen.insert(m.id);
      if (groups.find(m.account_id) == groups.end()) accounts.push_back(m.account_id);
      groups[m.account_id].push_back(std::move(m));
    }
    for (int64_t account : accounts) attempted += SendGroup(account, groups[account]);
  }
  const int64_t now = clock_.Now();
  if (now - last_prune_ >= kPruneEvery) {
    last_prune_ = now;
    Status s = store_.Write([&](Db& db) { return PruneSentMail(db, now - options_.keep_sent_s); });
    if (!s.ok()) LogWarn("mail: cannot prune sent mail: " + s.ToString());
  }
  return attempted;
}

int Sender::SendGroup(int64_t account_id, const std::vector<OutboxMail>& group) {
  RelaySettings relay;
  bool have_relay = false, disabled = false;
  Status s = store_.Read([&](Db& db) {
    auto d = EmailDisabled(db, account_id);
    if (!d.ok()) return d.status();
    disabled = *d;
    auto r = GetRelaySettings(db, account_id);
    if (r.ok()) {
      relay = *r;
      have_relay = true;
    }
    return r.ok() || r.status().IsNotFound() ? Status::OK() : r.status();
  });
  if (!s.ok()) {
    LogWarn("mail: cannot read the settings of account " + std::to_string(account_id) + ": " +
            s.ToString());
    return 0;
  }
  if (!have_relay) return 0;  // removed meanwhile: the mail waits

  std::vector<Attempt> attempts;
  if (disabled) {
    for (const auto& m : group) {
      attempts.push_back({m.id, SmtpOutcome::Permanent(kDisabledReason)});
    }
  } else {
    SmtpClient client(relay, options_.smtp);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return 0;
      active_ = &client;
    }
    SmtpOutcome session = client.Open();
    for (const auto& m : group) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) break;
      }
      if (session.ok() && !client.usable()) session = client.Open();  // the relay hung up
      if (!session.ok()) {
        attempts.push_back({m.id, session});
        continue;
      }
      Message msg;
      msg.from = {relay.from_name.value_or(""), relay.from_address};
      msg.to = {m.to_name.value_or(""), m.to_address};
      msg.reply_to = m.reply_to.value_or("");
      msg.subject = m.subject;
      msg.text = m.body_text;
      msg.html = m.body_html;
      msg.calendar = m.calendar.value_or("");
      msg.message_id = m.message_id;
      msg.date = clock_.Now();
      attempts.push_back({m.id, client.Send(relay.from_address, m.to_address, Compose(msg))});
    }
    client.Quit();
    std::lock_guard<std::mutex> lock(mu_);
    active_ = nullptr;
  }

  const int64_t now = clock_.Now();
  std::map<int64_t, const OutboxMail*> by_id;
  for (const auto& m : group) by_id[m.id] = &m;
  s = store_.Write([&](Db& db) {
    for (auto& a : attempts) {
      const OutboxMail& m = *by_id[a.id];
      Status st;
      if (a.outcome.ok()) {
        st = MarkMailSent(db, a.id, now);
      } else if (a.outcome.permanent()) {
        st = MarkMailFailed(db, a.id, now, a.outcome.message);
      } else {
        const int64_t first = m.first_attempt_at.value_or(now);
        a.gave_up = now - first >= options_.retry_window_s;
        if (a.gave_up) {
          st = MarkMailFailed(db, a.id, now,
                              "gave up after " + std::to_string((now - first) / 3600) +
                                  " hours of transient failures; last: " + a.outcome.message);
        } else {
          st = MarkMailRetry(db, a.id, now, now + Backoff(options_, m.attempts + 1),
                             a.outcome.message);
        }
      }
      if (!st.ok()) return st;
    }
    return Status::OK();
  });
  if (!s.ok()) {
    // The mail stays pending and is attempted again: at least once.
    LogWarn("mail: cannot record delivery results: " + s.ToString());
  }
  for (const auto& a : attempts) {
    const OutboxMail& m = *by_id[a.id];
    std::string what = "mail " + std::to_string(a.id) + " (" + m.kind + ", account " +
                       std::to_string(account_id) + ")";
    if (a.outcome.ok()) {
      LogInfo(what + " sent through " + relay.host);
    } else {
      LogWarn(what + (a.outcome.permanent() || a.gave_up ? " failed: " : " will be retried: ") +
              a.outcome.message);
    }
  }
  return static_cast<int>(attempts.size());
}

}  // namespace cammio::mail

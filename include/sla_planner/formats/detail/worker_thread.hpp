// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One background thread that runs one job at a time (submit, then wait).
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace sla_planner::detail {

class WorkerThread {
public:
  WorkerThread() : thread_([this] { loop(); }) {}
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;
  /// Finishes the running job, then stops.
  ~WorkerThread() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  /// Starts `job`; the previous one must have been waited for.
  void submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = std::move(job);
      busy_ = true;
      error_ = nullptr;
    }
    cv_.notify_all();
  }

  /// Blocks until the job is done; rethrows what it threw.
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !busy_; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return quit_ || (busy_ && job_); });
      if (busy_ && job_) {
        auto job = std::move(job_);
        job_ = nullptr;
        lock.unlock();
        std::exception_ptr err;
        try {
          job();
        } catch (...) {
          err = std::current_exception();
        }
        lock.lock();
        error_ = err;
        busy_ = false;
        cv_.notify_all();
        continue;
      }
      if (quit_) return;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool busy_ = false;
  bool quit_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started after the members above exist
};

}  // namespace sla_planner::detail

// Result<T, E>: a value or a stable error code. The reference never throws past its API.
// spec: primitives.md#errors
#pragma once

#include <utility>

namespace l2 {

// A tiny constexpr-friendly result. T must be default-constructible; E is an enum whose
// value-initialised state is never an error (every error enum starts at 1 or names `ok = 0`).
template <class T, class E>
class Result {
 public:
  constexpr Result(T value) : value_(std::move(value)), error_{}, ok_(true) {}  // NOLINT: implicit by design
  constexpr Result(E error) : value_{}, error_(error), ok_(false) {}            // NOLINT: implicit by design

  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr E error() const { return error_; }
  constexpr const T& value() const& { return value_; }
  constexpr T& value() & { return value_; }
  constexpr T&& value() && { return std::move(value_); }
  constexpr const T& operator*() const& { return value_; }
  constexpr const T* operator->() const { return &value_; }

 private:
  T value_;
  E error_;
  bool ok_;
};

}  // namespace l2

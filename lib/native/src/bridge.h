// Shared by every file of the bridge: handle type, error capture, small conversions.
// Every exported function catches all C++ exceptions; the message is kept per thread and read by
// the C# side through mlt_last_error(). Functions returning a handle return nullptr on error;
// functions returning int return 0 on success and -1 on error.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <vector>

#define MLT_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* T;

namespace mlt {
void set_error(const char* msg);
void clear_error();

inline T wrap(at::Tensor&& t) { return new at::Tensor(std::move(t)); }
inline T wrap(const at::Tensor& t) { return new at::Tensor(t); }
inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, (size_t)(n < 0 ? 0 : n)); }
inline c10::optional<at::Tensor> opt(T t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }
inline at::Scalar scalar(double v, int is_int) {
  return is_int ? at::Scalar((int64_t)v) : at::Scalar(v);
}
std::vector<at::Tensor> list(T* ts, int n);
// Copies a tensor vector into caller-provided handle slots (at most cap); returns the count.
int out_list(const std::vector<at::Tensor>& v, T* out, int cap);
}  // namespace mlt

#define MLT_CATCH(fail)                                                  \
  catch (const c10::Error& e) {                                          \
    mlt::set_error(e.what_without_backtrace());                          \
    return fail;                                                         \
  }                                                                      \
  catch (const std::exception& e) {                                      \
    mlt::set_error(e.what());                                            \
    return fail;                                                         \
  }                                                                      \
  catch (...) {                                                          \
    mlt::set_error("unknown native error");                              \
    return fail;                                                         \
  }

// Body returning a tensor handle.
#define MLT_T(...) try { __VA_ARGS__ } MLT_CATCH(nullptr)
// Body returning a status.
#define MLT_I(...) try { __VA_ARGS__ return 0; } MLT_CATCH(-1)

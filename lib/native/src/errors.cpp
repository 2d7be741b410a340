#include "bridge.h"
#include <cstring>
#include <ATen/Parallel.h>
#include <torch/version.h>

namespace {
thread_local std::string last_error;
thread_local bool has_error = false;

}  // namespace

namespace mlt {
void set_error(const char* msg) {
  last_error = msg ? msg : "unknown native error";
  has_error = true;
}
void clear_error() { has_error = false; last_error.clear(); }
std::vector<at::Tensor> list(T* ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) {
    if (!ts[i]) throw std::invalid_argument("null tensor in list");
    v.push_back(*ts[i]);
  }
  return v;
}
int out_list(const std::vector<at::Tensor>& v, T* out, int cap) {
  int n = (int)v.size();
  for (int i = 0; i < n && i < cap; i++) out[i] = wrap(v[i]);
  return n;
}
}  // namespace mlt

MLT_API const char* mlt_last_error() { return has_error ? last_error.c_str() : nullptr; }
MLT_API void mlt_clear_error() { mlt::clear_error(); }

// Called once when the C# side loads the bridge. libtorch's own default can be a single thread in
// some builds; the C# side passes the number of cores it may use (which respects container limits).
MLT_API int mlt_init(int threads) {
  MLT_I(if (threads > 0) at::set_num_threads(threads);)
}
MLT_API int mlt_set_num_threads(int n) {
  MLT_I(if (n < 1) throw std::invalid_argument("number of threads must be at least 1");
        at::set_num_threads(n);)
}
MLT_API int mlt_get_num_threads() { return at::get_num_threads(); }
MLT_API const char* mlt_torch_version() {
#ifdef TORCH_VERSION
  return TORCH_VERSION;
#else
  static std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) +
                         "." + std::to_string(TORCH_VERSION_PATCH);
  return v.c_str();
#endif
}

// Tensor handles: creation, metadata, data transfer, devices, random numbers.
#include "bridge.h"
#include <torch/cuda.h>
#include <cstring>

using namespace mlt;

static at::TensorOptions options(int dtype, int dev_type, int dev_index) {
  auto o = at::TensorOptions().dtype((at::ScalarType)dtype);
  if (dev_type == 1) o = o.device(at::Device(at::kCUDA, (c10::DeviceIndex)dev_index));
  else o = o.device(at::kCPU);
  return o;
}

MLT_API void mlt_free(T t) { delete t; }
MLT_API T mlt_share(T t) { MLT_T(return wrap(*t);) }

// ---- creation ----
MLT_API T mlt_empty(const int64_t* shape, int n, int dtype, int dt, int di) { MLT_T(return wrap(at::empty(dims(shape, n), options(dtype, dt, di)));) }
MLT_API T mlt_zeros(const int64_t* shape, int n, int dtype, int dt, int di) { MLT_T(return wrap(at::zeros(dims(shape, n), options(dtype, dt, di)));) }
MLT_API T mlt_ones(const int64_t* shape, int n, int dtype, int dt, int di) { MLT_T(return wrap(at::ones(dims(shape, n), options(dtype, dt, di)));) }
MLT_API T mlt_full(const int64_t* shape, int n, double v, int is_int, int dtype, int dt, int di) {
  MLT_T(return wrap(at::full(dims(shape, n), scalar(v, is_int), options(dtype, dt, di)));)
}
MLT_API T mlt_rand(const int64_t* shape, int n, int dtype, int dt, int di) { MLT_T(return wrap(at::rand(dims(shape, n), options(dtype, dt, di)));) }
MLT_API T mlt_randn(const int64_t* shape, int n, int dtype, int dt, int di) { MLT_T(return wrap(at::randn(dims(shape, n), options(dtype, dt, di)));) }
MLT_API T mlt_randint(int64_t low, int64_t high, const int64_t* shape, int n, int dtype, int dt, int di) {
  MLT_T(return wrap(at::randint(low, high, dims(shape, n), options(dtype, dt, di)));)
}
MLT_API T mlt_arange(double start, double end, double step, int dtype, int dt, int di) {
  MLT_T(return wrap(at::arange(at::Scalar(start), at::Scalar(end), at::Scalar(step), options(dtype, dt, di)));)
}
MLT_API T mlt_linspace(double start, double end, int64_t steps, int dtype, int dt, int di) {
  MLT_T(return wrap(at::linspace(start, end, steps, options(dtype, dt, di)));)
}
MLT_API T mlt_eye(int64_t n, int64_t m, int dtype, int dt, int di) { MLT_T(return wrap(at::eye(n, m, options(dtype, dt, di)));) }
MLT_API T mlt_window(int kind, int64_t n, int periodic, int dtype, int dt, int di) {
  MLT_T(auto o = options(dtype, dt, di);
        switch (kind) {
          case 0: return wrap(at::hann_window(n, periodic != 0, o));
          case 1: return wrap(at::hamming_window(n, periodic != 0, o));
          case 2: return wrap(at::blackman_window(n, periodic != 0, o));
          default: return wrap(at::ones({n}, o));
        })
}

// Wraps memory owned by .NET without a copy; `release(ctx)` is called when libtorch lets go of it.
typedef void (*release_fn)(void*);
MLT_API T mlt_from_blob(void* data, const int64_t* shape, int n, int dtype, release_fn release, void* ctx) {
  MLT_T(auto deleter = [release, ctx](void*) { if (release) release(ctx); };
        return wrap(at::from_blob(data, dims(shape, n), deleter, at::TensorOptions().dtype((at::ScalarType)dtype)));)
}
// Copies `nbytes` from `data` into a new CPU tensor.
MLT_API T mlt_from_bytes(const void* data, int64_t nbytes, const int64_t* shape, int n, int dtype) {
  MLT_T(auto t = at::empty(dims(shape, n), at::TensorOptions().dtype((at::ScalarType)dtype));
        if ((int64_t)t.nbytes() != nbytes) throw std::invalid_argument(
            "byte count " + std::to_string(nbytes) + " does not match shape and dtype (" + std::to_string(t.nbytes()) + " bytes)");
        if (nbytes) std::memcpy(t.data_ptr(), data, (size_t)nbytes);
        return wrap(std::move(t));)
}
// Copies a tensor's elements (any device, any layout) into `dst` in row-major order.
MLT_API int mlt_copy_to(T t, void* dst, int64_t nbytes) {
  MLT_I(auto c = t->detach().to(at::kCPU).contiguous();
        if ((int64_t)c.nbytes() != nbytes) throw std::invalid_argument("destination size does not match tensor size");
        if (nbytes) std::memcpy(dst, c.data_ptr(), (size_t)nbytes);)
}
MLT_API T mlt_scalar_tensor(double v, int is_int, int dtype, int dt, int di) {
  MLT_T(return wrap(at::scalar_tensor(scalar(v, is_int), options(dtype, dt, di)));)
}

// ---- metadata ----
MLT_API int mlt_dim(T t) { return (int)t->dim(); }
MLT_API int mlt_sizes(T t, int64_t* out, int cap) {
  int n = (int)t->dim();
  for (int i = 0; i < n && i < cap; i++) out[i] = t->size(i);
  return n;
}
MLT_API int mlt_strides(T t, int64_t* out, int cap) {
  int n = (int)t->dim();
  for (int i = 0; i < n && i < cap; i++) out[i] = t->stride(i);
  return n;
}
MLT_API int64_t mlt_numel(T t) { return t->numel(); }
MLT_API int mlt_dtype(T t) { return (int)t->scalar_type(); }
MLT_API int mlt_device_type(T t) { return t->device().is_cuda() ? 1 : 0; }
MLT_API int mlt_device_index(T t) { return t->device().index(); }
MLT_API int mlt_is_contiguous(T t) { return t->is_contiguous() ? 1 : 0; }
MLT_API int mlt_defined(T t) { return t->defined() ? 1 : 0; }
MLT_API int64_t mlt_element_size(T t) { return (int64_t)t->element_size(); }
MLT_API void* mlt_data_ptr(T t) { try { return t->data_ptr(); } MLT_CATCH(nullptr) }
MLT_API int mlt_item(T t, double* out) {
  MLT_I(if (t->numel() != 1) throw std::invalid_argument(
            "item() needs a tensor with exactly one element, got " + std::to_string(t->numel()));
        *out = t->item().toDouble();)
}
MLT_API int mlt_item_long(T t, int64_t* out) {
  MLT_I(if (t->numel() != 1) throw std::invalid_argument(
            "item() needs a tensor with exactly one element, got " + std::to_string(t->numel()));
        *out = t->item().toLong();)
}
MLT_API int mlt_same(T a, T b) { return a->is_same(*b) ? 1 : 0; }

// ---- conversion ----
MLT_API T mlt_to(T t, int dtype, int dt, int di, int copy) {
  MLT_T(if (dtype < 0) dtype = (int)t->scalar_type();
        at::Device dev = dt < 0 ? t->device() : (dt == 1 ? at::Device(at::kCUDA, (c10::DeviceIndex)di) : at::Device(at::kCPU));
        return wrap(t->to(dev, (at::ScalarType)dtype, false, copy != 0));)
}

// ---- devices and random numbers ----
MLT_API int mlt_cuda_is_available() { try { return torch::cuda::is_available() ? 1 : 0; } catch (...) { return 0; } }
MLT_API int mlt_cuda_device_count() { try { return (int)torch::cuda::device_count(); } catch (...) { return 0; } }
MLT_API int mlt_manual_seed(uint64_t seed) {
  MLT_I(at::manual_seed(seed);)
}

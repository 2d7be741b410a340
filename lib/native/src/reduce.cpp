// Reductions, sorting, sampling and distances. `n < 0` for dims means "over every element".
#include "bridge.h"

using namespace mlt;

MLT_API T mlt_reduce(int op, T a, const int64_t* d, int n, int keepdim) {
  MLT_T(
      const at::Tensor& x = *a;
      bool all = n < 0;
      auto ds = dims(d, n);
      bool k = keepdim != 0;
      switch (op) {
        case 0: return wrap(all ? at::sum(x) : at::sum(x, ds, k));
        case 1: return wrap(all ? at::mean(x) : at::mean(x, ds, k));
        case 2: return wrap(all ? at::max(x) : at::amax(x, ds, k));
        case 3: return wrap(all ? at::min(x) : at::amin(x, ds, k));
        case 4: {
          if (all) return wrap(at::logsumexp(x.reshape({-1}), {0}, false));
          return wrap(at::logsumexp(x, ds, k));
        }
        case 5: {
          if (all) return wrap(at::prod(x));
          if (n != 1) throw std::invalid_argument("prod reduces over exactly one dim");
          return wrap(at::prod(x, d[0], k));
        }
        case 6: {
          if (all) return wrap(at::all(x));
          if (n != 1) throw std::invalid_argument("all reduces over exactly one dim");
          return wrap(at::all(x, d[0], k));
        }
        case 7: {
          if (all) return wrap(at::any(x));
          if (n != 1) throw std::invalid_argument("any reduces over exactly one dim");
          return wrap(at::any(x, d[0], k));
        }
        default: throw std::invalid_argument("unknown reduction " + std::to_string(op));
      })
}

MLT_API T mlt_var(T a, const int64_t* d, int n, int64_t correction, int keepdim, int is_std) {
  MLT_T(c10::optional<at::IntArrayRef> ds;
        if (n >= 0) ds = dims(d, n);
        // correction as an unbiased flag keeps the call identical in libtorch 1.13 and 2.x.
        if (correction != 0 && correction != 1) throw std::invalid_argument("correction must be 0 or 1");
        bool unbiased = correction == 1;
        if (n < 0) return wrap(is_std ? at::std(*a, unbiased) : at::var(*a, unbiased));
        return wrap(is_std ? at::std(*a, dims(d, n), unbiased, keepdim != 0) : at::var(*a, dims(d, n), unbiased, keepdim != 0));)
}

MLT_API T mlt_norm(T a, double p, const int64_t* d, int n, int keepdim) {
  MLT_T(if (n < 0) return wrap(at::norm(*a, p));
        return wrap(at::norm(*a, p, dims(d, n), keepdim != 0));)
}

// values/indices of max or min along a dim; indices written to *idx.
MLT_API T mlt_minmax_dim(T a, int64_t dim, int keepdim, int is_min, T* idx) {
  MLT_T(auto r = is_min ? at::min(*a, dim, keepdim != 0) : at::max(*a, dim, keepdim != 0);
        *idx = wrap(std::get<1>(r));
        return wrap(std::get<0>(r));)
}
MLT_API T mlt_argminmax(T a, int64_t dim, int has_dim, int keepdim, int is_min) {
  MLT_T(c10::optional<int64_t> d;
        if (has_dim) d = dim;
        return wrap(is_min ? at::argmin(*a, d, keepdim != 0) : at::argmax(*a, d, keepdim != 0));)
}
MLT_API T mlt_sort(T a, int64_t dim, int descending, T* idx) {
  MLT_T(auto r = at::sort(*a, dim, descending != 0);
        *idx = wrap(std::get<1>(r));
        return wrap(std::get<0>(r));)
}
MLT_API T mlt_topk(T a, int64_t k, int64_t dim, int largest, int sorted, T* idx) {
  MLT_T(auto r = at::topk(*a, k, dim, largest != 0, sorted != 0);
        *idx = wrap(std::get<1>(r));
        return wrap(std::get<0>(r));)
}
MLT_API T mlt_cumsum(T a, int64_t dim) { MLT_T(return wrap(at::cumsum(*a, dim));) }
MLT_API T mlt_multinomial(T probs, int64_t n, int replacement) {
  MLT_T(return wrap(at::multinomial(*probs, n, replacement != 0));)
}
MLT_API T mlt_bucketize(T a, T boundaries, int right) { MLT_T(return wrap(at::bucketize(*a, *boundaries, false, right != 0));) }
MLT_API T mlt_cdist(T a, T b, double p) { MLT_T(return wrap(at::cdist(*a, *b, p));) }
MLT_API T mlt_one_hot(T a, int64_t classes) { MLT_T(return wrap(at::one_hot(*a, classes));) }
MLT_API T mlt_einsum(const char* eq, T* ts, int n) { MLT_T(return wrap(at::einsum(eq, list(ts, n)));) }
MLT_API T mlt_equal(T a, T b) { MLT_T(return wrap(at::scalar_tensor(at::equal(*a, *b), at::kBool));) }

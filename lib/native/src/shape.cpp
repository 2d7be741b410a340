// Views, joins, splits, indexing.
#include "bridge.h"
#include <ATen/TensorIndexing.h>

using namespace mlt;
namespace idx = at::indexing;

MLT_API T mlt_reshape(T a, const int64_t* s, int n) { MLT_T(return wrap(a->reshape(dims(s, n)));) }
MLT_API T mlt_view(T a, const int64_t* s, int n) { MLT_T(return wrap(a->view(dims(s, n)));) }
MLT_API T mlt_permute(T a, const int64_t* s, int n) { MLT_T(return wrap(a->permute(dims(s, n)));) }
MLT_API T mlt_expand(T a, const int64_t* s, int n) { MLT_T(return wrap(a->expand(dims(s, n)));) }
MLT_API T mlt_repeat(T a, const int64_t* s, int n) { MLT_T(return wrap(a->repeat(dims(s, n)));) }
MLT_API T mlt_flip(T a, const int64_t* s, int n) { MLT_T(return wrap(a->flip(dims(s, n)));) }
MLT_API T mlt_roll(T a, const int64_t* shifts, int ns, const int64_t* d, int nd) {
  MLT_T(return wrap(at::roll(*a, dims(shifts, ns), dims(d, nd)));)
}
MLT_API T mlt_transpose(T a, int64_t d0, int64_t d1) { MLT_T(return wrap(a->transpose(d0, d1));) }
MLT_API T mlt_squeeze(T a, int64_t dim, int all) { MLT_T(return wrap(all ? a->squeeze() : a->squeeze(dim));) }
MLT_API T mlt_unsqueeze(T a, int64_t dim) { MLT_T(return wrap(a->unsqueeze(dim));) }
MLT_API T mlt_flatten(T a, int64_t start, int64_t end) { MLT_T(return wrap(a->flatten(start, end));) }
MLT_API T mlt_narrow(T a, int64_t dim, int64_t start, int64_t len) { MLT_T(return wrap(a->narrow(dim, start, len));) }
MLT_API T mlt_select(T a, int64_t dim, int64_t i) { MLT_T(return wrap(a->select(dim, i));) }
MLT_API T mlt_slice(T a, int64_t dim, int64_t start, int64_t end, int64_t step) { MLT_T(return wrap(a->slice(dim, start, end, step));) }
MLT_API T mlt_cat(T* ts, int n, int64_t dim, int stack) {
  MLT_T(auto v = list(ts, n); return wrap(stack ? at::stack(v, dim) : at::cat(v, dim));)
}
// Split into pieces of `size` (n_sizes == 1) or of the given sizes; returns the count (-1 on error).
MLT_API int mlt_split(T a, const int64_t* sizes, int n_sizes, int64_t dim, T* out, int cap) {
  try {
    auto v = n_sizes == 1 ? a->split(sizes[0], dim) : a->split_with_sizes(dims(sizes, n_sizes), dim);
    return out_list(v, out, cap);
  } MLT_CATCH(-1)
}
MLT_API int mlt_chunk(T a, int64_t chunks, int64_t dim, T* out, int cap) {
  try { return out_list(a->chunk(chunks, dim), out, cap); } MLT_CATCH(-1)
}
MLT_API int mlt_unbind(T a, int64_t dim, T* out, int cap) {
  try { return out_list(a->unbind(dim), out, cap); } MLT_CATCH(-1)
}
MLT_API T mlt_index_select(T a, int64_t dim, T i) { MLT_T(return wrap(at::index_select(*a, dim, *i));) }
MLT_API T mlt_gather(T a, int64_t dim, T i) { MLT_T(return wrap(at::gather(*a, dim, *i));) }
MLT_API T mlt_scatter(T a, int64_t dim, T i, T src, int add) {
  MLT_T(return wrap(add ? at::scatter_add(*a, dim, *i, *src) : at::scatter(*a, dim, *i, *src));)
}
MLT_API int mlt_scatter_(T a, int64_t dim, T i, T src, int add) {
  MLT_I(if (add) a->scatter_add_(dim, *i, *src); else a->scatter_(dim, *i, *src);)
}
MLT_API int mlt_index_copy_(T a, int64_t dim, T i, T src) { MLT_I(a->index_copy_(dim, *i, *src);) }

// Index specification, one entry of 5 int64 per index: kind, a, b, c, flags.
//   kind 0: integer (a = value)            kind 1: slice (a = start, b = stop, c = step; flags bit0/bit1: start/stop absent)
//   kind 2: None (new axis)                 kind 3: Ellipsis      kind 4: tensor (a = position in `tensors`)
static std::vector<idx::TensorIndex> parse(const int64_t* spec, int n, T* tensors) {
  std::vector<idx::TensorIndex> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) {
    const int64_t* e = spec + 5 * i;
    switch (e[0]) {
      case 0: v.emplace_back(e[1]); break;
      case 1: {
        c10::optional<int64_t> st = (e[4] & 1) ? c10::nullopt : c10::optional<int64_t>(e[1]);
        c10::optional<int64_t> sp = (e[4] & 2) ? c10::nullopt : c10::optional<int64_t>(e[2]);
        v.emplace_back(idx::Slice(st, sp, e[3]));
        break;
      }
      case 2: v.emplace_back(idx::None); break;
      case 3: v.emplace_back(idx::Ellipsis); break;
      case 4: v.emplace_back(*tensors[e[1]]); break;
      default: throw std::invalid_argument("bad index kind");
    }
  }
  return v;
}
MLT_API T mlt_index(T a, const int64_t* spec, int n, T* tensors) {
  MLT_T(return wrap(a->index(parse(spec, n, tensors)));)
}
MLT_API int mlt_index_put_(T a, const int64_t* spec, int n, T* tensors, T value) {
  MLT_I(a->index_put_(parse(spec, n, tensors), *value);)
}

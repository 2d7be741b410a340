// The Snake activation y = x + sin²(α x) / (α + ε), α one value per channel of x (B, C, T), as one fused
// autograd function. Composed of ATen ops it costs five passes over the activations forward and about ten
// backward (each allocating); on the CPU, for float32, this file does each direction in one pass.
//
// With v = α x, a = α + ε, s = sin v, c = cos v:
//   y      = x + s² / a
//   ∂y/∂x  = 1 + 2sc · α / a          (2sc = sin 2v)
//   ∂y/∂α  = x · 2sc / a − s² / a²
// Other devices and dtypes, and a backward that must itself be differentiable (create_graph), use the same
// formulas as ATen ops.
#include "bridge.h"
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <cmath>

using namespace mlt;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

namespace {

constexpr double kEps = 1e-9;

// sin and cos of u for |u| < 8,000 to within a few float ulps (Cephes' sinf/cosf: reduction by π/2 in three
// parts, minimax polynomials on [−π/4, π/4]). Written without branches so that the loops below vectorise.
__attribute__((always_inline)) inline void sincos_small(float u, float& s, float& c) {
  const float shift = 12582912.0f;                        // 1.5 · 2^23: adding it rounds to an integer
  float q = (u * 0.636619772367581343f + shift) - shift;  // nearest multiple of π/2
  int qi = (int)q;
  float r = ((u - q * 1.5703125f) - q * 4.837512969970703125e-4f) - q * 7.54978995489188216e-8f;
  float r2 = r * r;
  float sp = r + r * r2 * (-1.6666654611e-1f + r2 * (8.3321608736e-3f + r2 * -1.9515295891e-4f));
  float cp = 1.0f - 0.5f * r2 + r2 * r2 * (4.166664568298827e-2f + r2 * (-1.388731625493765e-3f + r2 * 2.443315711809948e-5f));
  const float odd = (float)(qi & 1);                      // quadrant selects as arithmetic (no branches)
  const float sv = sp + odd * (cp - sp), cv = cp + odd * (sp - cp);
  s = sv * (1.0f - (float)(qi & 2));
  c = cv * (1.0f - (float)((qi + 1) & 2));
}

// The largest |α x| of a row; above this the fast reduction loses accuracy and the row uses std::sin/cos.
constexpr float kFastLimit = 8000.0f;

float row_max_abs(const float* x, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; i++) m = std::max(m, std::fabs(x[i]));
  return m;
}

bool fused_ok(const at::Tensor& x, const at::Tensor& alpha) {
  return x.device().is_cpu() && alpha.device().is_cpu() && x.scalar_type() == at::kFloat &&
         alpha.scalar_type() == at::kFloat && x.dim() == 3 && alpha.numel() == x.size(1);
}

template <bool Fast>
__attribute__((always_inline)) inline void forward_row(const float* __restrict__ x, float* __restrict__ y, int64_t n, float alpha, float inv) {
  for (int64_t t = 0; t < n; t++) {
    float s, c;
    const float v = alpha * x[t];
    if (Fast) sincos_small(v, s, c);
    else s = std::sin(v);
    y[t] = x[t] + s * s * inv;
  }
}

// The fast loops are compiled twice on x86-64, for AVX2 + FMA (8 floats at a time) and for the baseline (4 with
// SSE2); the loader picks the one the CPU runs. On the development machine the two ran equally fast (the loops are
// bound by memory), and against the composed ops, on 8 × 16 × 16,000 floats, the forward pass is about as fast and
// forward + backward 1.3–2.1× faster. The AVX2 build is kept because the course figures were measured with it (FMA
// rounds differently, and a course run's trajectory depends on every rounding).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MLT_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define MLT_CLONES
#endif

MLT_CLONES void forward_row_fast(const float* x, float* y, int64_t n, float alpha, float inv) {
  forward_row<true>(x, y, n, alpha, inv);
}

at::Tensor forward_fused(const at::Tensor& x_in, const at::Tensor& alpha_in) {
  auto x = x_in.contiguous();
  auto alpha = alpha_in.contiguous();
  auto y = at::empty_like(x);
  const int64_t C = x.size(1), T = x.size(2), rows = x.size(0) * C;
  const float* px = x.data_ptr<float>();
  const float* pa = alpha.data_ptr<float>();
  float* py = y.data_ptr<float>();
  at::parallel_for(0, rows, std::max<int64_t>(1, 32768 / std::max<int64_t>(T, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; row++) {
      const float al = pa[row % C];
      const float inv = (float)(1.0 / ((double)al + kEps));
      const float* xr = px + row * T;
      if (row_max_abs(xr, T) * std::fabs(al) < kFastLimit) forward_row_fast(xr, py + row * T, T, al, inv);
      else forward_row<false>(xr, py + row * T, T, al, inv);
    }
  });
  return y;
}

constexpr int64_t kBlock = 1024;

struct BackwardRow {
  float alpha, two_ratio, two_inv, inv2;
  const float* g;
  const float* x;
  float* gx;      // null when x needs no gradient
  float* terms;   // per-sample terms of α's gradient
  int64_t n;
};

// One block of a row: x's gradient (WantX) and the per-sample terms of α's; branch-free inside the loop.
template <bool Fast, bool WantX>
__attribute__((always_inline)) inline void backward_block(const BackwardRow& r) {
  const float* __restrict__ g = r.g;
  const float* __restrict__ x = r.x;
  float* __restrict__ gx = r.gx;
  float* __restrict__ terms = r.terms;
  const float alpha = r.alpha, two_ratio = r.two_ratio, two_inv = r.two_inv, inv2 = r.inv2;
  for (int64_t t = 0; t < r.n; t++) {
    float s, c;
    const float v = alpha * x[t];
    if (Fast) sincos_small(v, s, c);
    else { s = std::sin(v); c = std::cos(v); }
    const float sc = s * c;
    if (WantX) gx[t] = g[t] * (1.0f + sc * two_ratio);
    terms[t] = g[t] * (x[t] * sc * two_inv - s * s * inv2);
  }
}

MLT_CLONES void backward_block_fast(const BackwardRow& r) {
  if (r.gx) backward_block<true, true>(r);
  else backward_block<true, false>(r);
}

// Gradients for x (when wanted) and α (shape of alpha) in one pass.
std::pair<at::Tensor, at::Tensor> backward_fused(const at::Tensor& g_in, const at::Tensor& x_in, const at::Tensor& alpha_in,
                                                 bool want_x) {
  auto g = g_in.contiguous();
  auto x = x_in.contiguous();
  auto alpha = alpha_in.contiguous();
  const int64_t B = x.size(0), C = x.size(1), T = x.size(2), rows = B * C;
  at::Tensor gx = want_x ? at::empty_like(x) : at::Tensor();
  std::vector<double> row_sums((size_t)rows, 0.0);
  const float* pg = g.data_ptr<float>();
  const float* px = x.data_ptr<float>();
  const float* pa = alpha.data_ptr<float>();
  float* pgx = want_x ? gx.data_ptr<float>() : nullptr;
  at::parallel_for(0, rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(T, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; row++) {
      const float al = pa[row % C];
      const double a = (double)al + kEps;
      const float two_ratio = (float)(2.0 * al / a), two_inv = (float)(2.0 / a), inv2 = (float)(1.0 / (a * a));
      const float* gr = pg + row * T;
      const float* xr = px + row * T;
      float* gxr = want_x ? pgx + row * T : nullptr;
      const bool fast = row_max_abs(xr, T) * std::fabs(al) < kFastLimit;
      double total = 0.0;
      float terms[kBlock];
      for (int64_t t0 = 0; t0 < T; t0 += kBlock) {  // float sums per block, added up in double
        const int64_t n = std::min<int64_t>(kBlock, T - t0);
        const BackwardRow r{al, two_ratio, two_inv, inv2, gr + t0, xr + t0, gxr ? gxr + t0 : nullptr, terms, n};
        if (fast) backward_block_fast(r);
        else gxr ? backward_block<false, true>(r) : backward_block<false, false>(r);
        float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int64_t t = 0;
        for (; t + 8 <= n; t += 8)
          for (int j = 0; j < 8; j++) lanes[j] += terms[t + j];
        for (; t < n; t++) lanes[0] += terms[t];
        for (int j = 0; j < 8; j++) total += lanes[j];
      }
      row_sums[(size_t)row] = total;
    }
  });
  auto ga = at::zeros({C}, alpha.options());
  float* pga = ga.data_ptr<float>();
  for (int64_t c = 0; c < C; c++) {
    double s = 0.0;
    for (int64_t b = 0; b < B; b++) s += row_sums[(size_t)(b * C + c)];
    pga[c] = (float)s;
  }
  return {gx, ga.view(alpha_in.sizes())};
}

// The same function as ATen ops (any device or dtype; differentiable).
at::Tensor forward_ops(const at::Tensor& x, const at::Tensor& alpha) {
  auto s = at::sin(alpha * x);
  return x + s * s / (alpha + kEps);
}

// α's gradient summed over the dimensions it was broadcast along.
at::Tensor reduce_to(const at::Tensor& g, const at::Tensor& like) {
  if (g.sizes() == like.sizes()) return g;
  std::vector<int64_t> dims;
  const int64_t lead = g.dim() - like.dim();
  for (int64_t d = 0; d < g.dim(); d++)
    if (d < lead || like.size(d - lead) == 1) dims.push_back(d);
  return g.sum(dims, /*keepdim=*/true).view(like.sizes());
}

struct SnakeFunction : public torch::autograd::Function<SnakeFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& alpha) {
    ctx->save_for_backward({x, alpha});
    at::AutoDispatchBelowADInplaceOrView guard;
    return fused_ok(x, alpha) ? forward_fused(x, alpha) : forward_ops(x, alpha);
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& alpha = saved[1];
    const auto& g = grads[0];
    if (!c10::GradMode::is_enabled() && fused_ok(x, alpha)) {
      auto r = backward_fused(g, x, alpha, ctx->needs_input_grad(0));
      return {r.first, r.second};
    }
    auto a = alpha + kEps;
    auto v = alpha * x;
    auto s = at::sin(v);
    auto sin2v = at::sin(2 * v);
    auto gx = g * (1 + sin2v * alpha / a);
    auto ga = g * (x * sin2v / a - s * s / (a * a));
    return {gx, reduce_to(ga, alpha)};
  }
};

}  // namespace

MLT_API T mlt_snake(T x, T alpha) {
  MLT_T(if (x->dim() != 3 || alpha->numel() != x->size(1) || alpha->dim() != 3)
          throw std::invalid_argument("snake: x must be (B, C, T) and alpha (1, C, 1)");
        return wrap(SnakeFunction::apply(*x, *alpha));)
}

// Element-wise operations. Codes must match MusicLM.Torch's Native.Unary / Native.Binary enums.
#include "bridge.h"
#include <cmath>

using namespace mlt;

static at::Tensor unary(int op, const at::Tensor& a) {
  switch (op) {
    case 0: return at::neg(a);
    case 1: return at::exp(a);
    case 2: return at::log(a);
    case 3: return at::sqrt(a);
    case 4: return at::rsqrt(a);
    case 5: return at::abs(a);
    case 6: return at::sin(a);
    case 7: return at::cos(a);
    case 8: return at::tanh(a);
    case 9: return at::sigmoid(a);
    case 10: return at::relu(a);
    case 11: return at::gelu(a, "none");
    case 12: return at::silu(a);
    case 13: return at::gelu(a, "tanh");
    case 14: return at::floor(a);
    case 15: return at::ceil(a);
    case 16: return at::round(a);
    case 17: return at::sign(a);
    case 18: return at::log1p(a);
    case 19: return at::expm1(a);
    case 20: return at::reciprocal(a);
    case 21: return at::erf(a);
    case 22: return at::square(a);
    case 23: return a.contiguous();
    case 24: return a.clone();
    case 25: return a.detach();
    case 26: return at::logical_not(a);
    case 27: return at::isnan(a);
    case 28: return at::isinf(a);
    case 29: return at::log2(a);
    case 30: return at::log10(a);
    case 31: return at::tan(a);
    case 32: return at::atan(a);
    case 33: return at::view_as_real(a);
    case 34: return at::view_as_complex(a);
    case 35: return at::real(a);
    case 36: return at::imag(a);
    case 37: return at::angle(a);
    case 38: return at::trunc(a);
    case 39: return at::isfinite(a);
    case 40: return a.t();
    case 41: return at::nonzero(a);
    case 42: return at::zeros_like(a);
    case 43: return at::ones_like(a);
    case 44: return at::rand_like(a);
    case 45: return at::randn_like(a);
    case 46: return at::empty_like(a);
    case 47: return at::asin(a);
    case 48: return at::acos(a);
    case 49: return at::sinh(a);
    case 50: return at::cosh(a);
    default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
  }
}

static void unary_(int op, at::Tensor& a) {
  switch (op) {
    case 0: a.neg_(); break;
    case 1: a.exp_(); break;
    case 2: a.log_(); break;
    case 3: a.sqrt_(); break;
    case 4: a.rsqrt_(); break;
    case 5: a.abs_(); break;
    case 8: a.tanh_(); break;
    case 9: a.sigmoid_(); break;
    case 10: a.relu_(); break;
    case 14: a.floor_(); break;
    case 16: a.round_(); break;
    case 20: a.reciprocal_(); break;
    case 25: a.detach_(); break;
    case 42: a.zero_(); break;
    default: throw std::invalid_argument("no in-place form for unary op " + std::to_string(op));
  }
}

// alpha as an integer Scalar when the result is integral: libtorch rejects a floating alpha there.
static at::Scalar alpha_of(at::ScalarType result, double alpha) {
  if (!at::isFloatingType(result) && !at::isComplexType(result) && alpha == (double)(int64_t)alpha) return at::Scalar((int64_t)alpha);
  return at::Scalar(alpha);
}

static at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b, double alpha) {
  switch (op) {
    case 0: return alpha == 1.0 ? at::add(a, b) : at::add(a, b, alpha_of(at::result_type(a, b), alpha));
    case 1: return alpha == 1.0 ? at::sub(a, b) : at::sub(a, b, alpha_of(at::result_type(a, b), alpha));
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::maximum(a, b);
    case 6: return at::minimum(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 13: return at::logical_and(a, b);
    case 14: return at::logical_or(a, b);
    case 15: return at::remainder(a, b);
    case 16: return at::atan2(a, b);
    case 17: return at::matmul(a, b);
    case 18: return at::bmm(a, b);
    case 19: return at::mm(a, b);
    case 20: return at::div(a, b, "floor");
    case 21: return at::logical_xor(a, b);
    case 22: return at::fmod(a, b);
    case 23: return at::outer(a, b);
    case 24: return at::dot(a, b);
    case 25: return at::xlogy(a, b);
    case 26: return at::lerp(a, b, alpha);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

static at::Tensor binary_s(int op, const at::Tensor& a, const at::Scalar& s, double alpha, int reverse) {
  if (reverse) {
    switch (op) {
      case 1: return at::rsub(a, s, alpha_of(at::result_type(a, s), alpha));
      case 3: return at::mul(at::reciprocal(a), s);  // not mul_: reciprocal saves its output for backward
      case 4: return at::pow(s, a);
      default: break;
    }
  }
  switch (op) {
    case 0: return alpha == 1.0 ? at::add(a, s) : at::add(a, s, alpha_of(at::result_type(a, s), alpha));
    case 1: return alpha == 1.0 ? at::sub(a, s) : at::sub(a, s, alpha_of(at::result_type(a, s), alpha));
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 4: return at::pow(a, s);
    case 5: return at::clamp_min(a, s);
    case 6: return at::clamp_max(a, s);
    case 7: return at::eq(a, s);
    case 8: return at::ne(a, s);
    case 9: return at::lt(a, s);
    case 10: return at::le(a, s);
    case 11: return at::gt(a, s);
    case 12: return at::ge(a, s);
    case 15: return at::remainder(a, s);
    case 20: return at::div(a, at::scalar_tensor(s, a.options()), "floor");
    case 22: return at::fmod(a, s);
    default: throw std::invalid_argument("op " + std::to_string(op) + " does not take a scalar");
  }
}

static void binary_(int op, at::Tensor& a, const at::Tensor& b, double alpha) {
  switch (op) {
    case 0: a.add_(b, alpha_of(a.scalar_type(), alpha)); break;
    case 1: a.sub_(b, alpha_of(a.scalar_type(), alpha)); break;
    case 2: a.mul_(b); break;
    case 3: a.div_(b); break;
    case 4: a.pow_(b); break;
    case 26: a.lerp_(b, alpha); break;
    case 27: a.copy_(b); break;
    default: throw std::invalid_argument("no in-place form for binary op " + std::to_string(op));
  }
}

static void binary_s_(int op, at::Tensor& a, const at::Scalar& s, double alpha) {
  switch (op) {
    case 0: a.add_(s, alpha_of(a.scalar_type(), alpha)); break;
    case 1: a.sub_(s, alpha_of(a.scalar_type(), alpha)); break;
    case 2: a.mul_(s); break;
    case 3: a.div_(s); break;
    case 4: a.pow_(s); break;
    case 5: a.clamp_min_(s); break;
    case 6: a.clamp_max_(s); break;
    case 27: a.fill_(s); break;
    default: throw std::invalid_argument("no in-place scalar form for op " + std::to_string(op));
  }
}

MLT_API T mlt_unary(int op, T a) { MLT_T(return wrap(unary(op, *a));) }
MLT_API int mlt_unary_(int op, T a) { MLT_I(unary_(op, *a);) }
MLT_API T mlt_binary(int op, T a, T b, double alpha) { MLT_T(return wrap(binary(op, *a, *b, alpha));) }
MLT_API T mlt_binary_s(int op, T a, double s, int is_int, double alpha, int reverse) {
  MLT_T(return wrap(binary_s(op, *a, scalar(s, is_int), alpha, reverse));)
}
MLT_API int mlt_binary_(int op, T a, T b, double alpha) { MLT_I(binary_(op, *a, *b, alpha);) }
MLT_API int mlt_binary_s_(int op, T a, double s, int is_int, double alpha) { MLT_I(binary_s_(op, *a, scalar(s, is_int), alpha);) }

MLT_API T mlt_addcmul(T a, T b, T c, double value) { MLT_T(return wrap(at::addcmul(*a, *b, *c, value));) }
MLT_API T mlt_addcdiv(T a, T b, T c, double value) { MLT_T(return wrap(at::addcdiv(*a, *b, *c, value));) }
MLT_API int mlt_addcmul_(T a, T b, T c, double value) { MLT_I(a->addcmul_(*b, *c, value);) }
MLT_API int mlt_addcdiv_(T a, T b, T c, double value) { MLT_I(a->addcdiv_(*b, *c, value);) }

// has_min / has_max select which bound applies.
// Whole-number bounds on an integer tensor stay integers, so clamping keeps the dtype (as in Python,
// where clamp(0, 5) passes ints).
static c10::optional<at::Scalar> bound(const at::Tensor& a, int has, double v) {
  if (!has) return c10::nullopt;
  bool integral = !a.is_floating_point() && !a.is_complex() && a.scalar_type() != at::kBool;
  return scalar(v, integral && v == std::floor(v));
}
MLT_API T mlt_clamp(T a, int has_min, double lo, int has_max, double hi) {
  MLT_T(return wrap(at::clamp(*a, bound(*a, has_min, lo), bound(*a, has_max, hi)));)
}
MLT_API int mlt_clamp_(T a, int has_min, double lo, int has_max, double hi) {
  MLT_I(a->clamp_(bound(*a, has_min, lo), bound(*a, has_max, hi));)
}
MLT_API T mlt_where(T c, T a, T b) { MLT_T(return wrap(at::where(*c, *a, *b));) }
MLT_API T mlt_masked_fill(T a, T mask, double v, int is_int) { MLT_T(return wrap(at::masked_fill(*a, *mask, scalar(v, is_int)));) }
MLT_API int mlt_masked_fill_(T a, T mask, double v, int is_int) { MLT_I(a->masked_fill_(*mask, scalar(v, is_int));) }
MLT_API T mlt_elu(T a, double alpha) { MLT_T(return wrap(at::elu(*a, alpha));) }
MLT_API T mlt_leaky_relu(T a, double slope) { MLT_T(return wrap(at::leaky_relu(*a, slope));) }
MLT_API T mlt_softplus(T a, double beta, double threshold) { MLT_T(return wrap(at::softplus(*a, beta, threshold));) }
MLT_API T mlt_softmax(T a, int64_t dim, int log) {
  MLT_T(return wrap(log ? at::log_softmax(*a, dim) : at::softmax(*a, dim));)
}
MLT_API T mlt_triu(T a, int64_t k, int lower) { MLT_T(return wrap(lower ? at::tril(*a, k) : at::triu(*a, k));) }
MLT_API int mlt_normal_(T a, double mean, double std) { MLT_I(a->normal_(mean, std);) }
MLT_API int mlt_uniform_(T a, double lo, double hi) { MLT_I(a->uniform_(lo, hi);) }
MLT_API T mlt_allclose(T a, T b, double rtol, double atol) { MLT_T(return wrap(at::scalar_tensor(at::allclose(*a, *b, rtol, atol), at::kBool));) }

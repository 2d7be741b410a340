// Neural-network functional operations: linear, convolutions, pooling, padding, normalisation,
// embedding, dropout, recurrent layers, losses, spectral transforms.
#include "bridge.h"

using namespace mlt;

// A single input row (incremental decoding) goes through matrix-vector kernels: with a generic
// BLAS, gemm with one row is several times slower than gemv for the same weights.
MLT_API T mlt_linear(T x, T w, T b) {
  MLT_T(const at::Tensor& in = *x;
        if (in.dim() >= 1 && w->dim() == 2 && in.numel() == in.size(-1) && in.size(-1) == w->size(1) &&
            in.scalar_type() == w->scalar_type()) {
          auto v = in.reshape({in.size(-1)});
          auto y = b ? at::addmv(*b, *w, v) : at::mv(*w, v);
          auto shape = in.sizes().vec();
          shape.back() = w->size(0);
          return wrap(y.view(shape));
        }
        return wrap(at::linear(in, *w, opt(b)));)
}

MLT_API T mlt_conv1d(T x, T w, T b, int64_t stride, int64_t pad, int64_t dil, int64_t groups) {
  MLT_T(return wrap(at::conv1d(*x, *w, opt(b), {stride}, {pad}, {dil}, groups));)
}
MLT_API T mlt_conv2d(T x, T w, T b, const int64_t* stride, const int64_t* pad, const int64_t* dil, int64_t groups) {
  MLT_T(return wrap(at::conv2d(*x, *w, opt(b), dims(stride, 2), dims(pad, 2), dims(dil, 2), groups));)
}
MLT_API T mlt_conv_transpose1d(T x, T w, T b, int64_t stride, int64_t pad, int64_t outpad, int64_t groups, int64_t dil) {
  MLT_T(return wrap(at::conv_transpose1d(*x, *w, opt(b), {stride}, {pad}, {outpad}, groups, {dil}));)
}
MLT_API T mlt_pool1d(T x, int is_max, int64_t k, int64_t stride, int64_t pad) {
  MLT_T(return wrap(is_max ? at::max_pool1d(*x, {k}, {stride}, {pad}) : at::avg_pool1d(*x, {k}, {stride}, {pad}));)
}

// mode 0 constant, 1 reflect, 2 replicate; pads in PyTorch's F.pad order (last dim first).
MLT_API T mlt_pad(T x, const int64_t* p, int n, int mode, double value) {
  MLT_T(auto pads = dims(p, n);
        if (mode == 0) return wrap(at::constant_pad_nd(*x, pads, value));
        if (n == 2) {
          if (x->dim() < 2) throw std::invalid_argument("reflect/replicate padding of one dim needs a 2-D or 3-D input");
          return wrap(mode == 1 ? at::reflection_pad1d(*x, pads) : at::replication_pad1d(*x, pads));
        }
        if (n == 4) return wrap(mode == 1 ? at::reflection_pad2d(*x, pads) : at::replication_pad2d(*x, pads));
        throw std::invalid_argument("reflect/replicate padding takes 2 or 4 pad sizes");)
}

// mode 0 nearest, 1 linear (align_corners false); size of the last dim. A scale > 0 is the
// caller's scale_factor: PyTorch maps output to input positions with it rather than with size ratios.
MLT_API T mlt_interpolate1d(T x, int64_t size, int mode, double scale) {
  MLT_T(if (x->dim() != 3) throw std::invalid_argument("interpolate expects a (batch, channels, time) tensor");
        c10::optional<double> sc;
        if (scale > 0) sc = scale;
        at::IntArrayRef out(&size, 1);
        if (mode == 0) return wrap(at::upsample_nearest1d(*x, out, sc));
        return wrap(at::upsample_linear1d(*x, out, false, sc));)
}

MLT_API T mlt_layer_norm(T x, const int64_t* shape, int n, T w, T b, double eps) {
  MLT_T(return wrap(at::layer_norm(*x, dims(shape, n), opt(w), opt(b), eps));)
}
MLT_API T mlt_group_norm(T x, int64_t groups, T w, T b, double eps) {
  MLT_T(return wrap(at::group_norm(*x, groups, opt(w), opt(b), eps));)
}
MLT_API T mlt_batch_norm(T x, T w, T b, T rm, T rv, int training, double momentum, double eps) {
  MLT_T(return wrap(at::batch_norm(*x, opt(w), opt(b), opt(rm), opt(rv), training != 0, momentum, eps, false));)
}
MLT_API T mlt_dropout(T x, double p, int train) { MLT_T(return wrap(at::dropout(*x, p, train != 0));) }
MLT_API T mlt_embedding(T w, T i, int64_t padding_idx) { MLT_T(return wrap(at::embedding(*w, *i, padding_idx));) }
// w = g * v / ||v|| over every dim except `dim`.
MLT_API T mlt_weight_norm(T v, T g, int64_t dim) { MLT_T(return wrap(at::_weight_norm(*v, *g, dim));) }

// Multi-layer LSTM over (batch, time, features) with batch_first; `params` holds per layer
// w_ih, w_hh, b_ih, b_hh. h0/c0 may be null. Writes h_n and c_n to out[0], out[1].
MLT_API T mlt_lstm(T x, T h0, T c0, T* params, int np, int64_t layers, double dropout, int train, int batch_first, T* out) {
  MLT_T(auto ps = list(params, np);
        std::vector<at::Tensor> hx;
        if (h0 && c0) hx = {*h0, *c0};
        else {
          int64_t B = batch_first ? x->size(0) : x->size(1);
          int64_t H = ps[1].size(1);
          auto z = at::zeros({layers, B, H}, x->options());
          hx = {z, z};
        }
        auto r = at::lstm(*x, hx, ps, true, layers, dropout, train != 0, false, batch_first != 0);
        out[0] = wrap(std::get<1>(r));
        out[1] = wrap(std::get<2>(r));
        return wrap(std::get<0>(r));)
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
MLT_API T mlt_cross_entropy(T logits, T target, T weight, int reduction, int64_t ignore_index, double smoothing) {
  MLT_T(return wrap(at::cross_entropy_loss(*logits, *target, opt(weight), reduction, ignore_index, smoothing));)
}
MLT_API T mlt_mse_loss(T a, T b, int reduction) { MLT_T(return wrap(at::mse_loss(*a, *b, reduction));) }
MLT_API T mlt_l1_loss(T a, T b, int reduction) { MLT_T(return wrap(at::l1_loss(*a, *b, reduction));) }
MLT_API T mlt_bce_with_logits(T a, T b, T weight, T pos_weight, int reduction) {
  MLT_T(return wrap(at::binary_cross_entropy_with_logits(*a, *b, opt(weight), opt(pos_weight), reduction));)
}

// Complex STFT of (batch, time) or (time); the caller pads for centring.
MLT_API T mlt_stft(T x, int64_t n_fft, int64_t hop, int64_t win, T window, int normalized, int onesided) {
  MLT_T(return wrap(at::stft(*x, n_fft, hop, win, opt(window), normalized != 0, onesided != 0, true));)
}
MLT_API T mlt_istft(T spec, int64_t n_fft, int64_t hop, int64_t win, T window, int center, int normalized, int onesided, int64_t length) {
  MLT_T(c10::optional<int64_t> len;
        if (length > 0) len = length;
        return wrap(at::istft(*spec, n_fft, hop, win, opt(window), center != 0, normalized != 0, onesided != 0, len, false));)
}

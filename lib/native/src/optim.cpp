// Optimizer steps done in one native call per parameter group: the update rules are PyTorch's
// (torch.optim.AdamW/Adam/SGD, single-tensor path), but the loop over parameters runs here.
#include "bridge.h"
#include <c10/core/GradMode.h>
#include <cmath>

using namespace mlt;

// Adam / AdamW. decoupled != 0: AdamW (weight decay applied to the parameter);
// otherwise Adam with L2 weight decay added to the gradient. `step` is the 1-based step count.
MLT_API int mlt_adam_step(T* params, T* exp_avg, T* exp_avg_sq, int n, double lr, double beta1, double beta2,
                          double eps, double weight_decay, int64_t step, int decoupled) {
  MLT_I(at::NoGradGuard guard;
        double bc1 = 1.0 - std::pow(beta1, (double)step);
        double bc2 = 1.0 - std::pow(beta2, (double)step);
        double step_size = lr / bc1;
        double bc2_sqrt = std::sqrt(bc2);
        for (int i = 0; i < n; i++) {
          at::Tensor& p = *params[i];
          const at::Tensor& g0 = p.grad();
          if (!g0.defined()) continue;
          at::Tensor g = g0;
          if (weight_decay != 0) {
            if (decoupled) p.mul_(1.0 - lr * weight_decay);
            else g = g.add(p, weight_decay);
          }
          exp_avg[i]->lerp_(g, 1.0 - beta1);
          exp_avg_sq[i]->mul_(beta2).addcmul_(g, g, 1.0 - beta2);
          auto denom = (exp_avg_sq[i]->sqrt() / bc2_sqrt).add_(eps);
          p.addcdiv_(*exp_avg[i], denom, -step_size);
        })
}

// SGD with momentum (PyTorch's rule: buf = momentum * buf + (1 - dampening) * g; first step buf = g).
MLT_API int mlt_sgd_step(T* params, T* bufs, int n, double lr, double momentum, double dampening,
                         double weight_decay, int nesterov, int first) {
  MLT_I(at::NoGradGuard guard;
        for (int i = 0; i < n; i++) {
          at::Tensor& p = *params[i];
          const at::Tensor& g0 = p.grad();
          if (!g0.defined()) continue;
          at::Tensor g = weight_decay != 0 ? g0.add(p, weight_decay) : g0;
          if (momentum != 0) {
            at::Tensor& b = *bufs[i];
            if (first) b.copy_(g);
            else b.mul_(momentum).add_(g, 1.0 - dampening);
            g = nesterov ? g.add(b, momentum) : b;
          }
          p.add_(g, -lr);
        })
}

// Scales gradients so that their total norm is at most max_norm; returns the norm before clipping.
MLT_API int mlt_clip_grad_norm(T* params, int n, double max_norm, double norm_type, double* total) {
  MLT_I(at::NoGradGuard guard;
        std::vector<at::Tensor> norms;
        for (int i = 0; i < n; i++) {
          const at::Tensor& g = params[i]->grad();
          if (g.defined()) norms.push_back(std::isinf(norm_type) ? g.abs().max() : g.norm(norm_type));
        }
        if (norms.empty()) { *total = 0; return 0; }
        auto all = at::stack(norms);
        double tn = (std::isinf(norm_type) ? all.max() : all.norm(norm_type)).item<double>();
        *total = tn;
        double coef = max_norm / (tn + 1e-6);
        if (coef < 1.0)
          for (int i = 0; i < n; i++) {
            at::Tensor g = params[i]->grad();
            if (g.defined()) g.mul_(coef);
          })
}

MLT_API int mlt_zero_grad(T* params, int n, int set_to_none) {
  MLT_I(at::NoGradGuard guard;
        for (int i = 0; i < n; i++) {
          at::Tensor& g = params[i]->mutable_grad();
          if (set_to_none || !g.defined()) g.reset();
          else g.zero_();
        })
}

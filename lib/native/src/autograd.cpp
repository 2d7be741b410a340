// Autograd: requires_grad, backward, grad access, grad mode.
#include "bridge.h"
#include <c10/core/GradMode.h>

using namespace mlt;

MLT_API int mlt_requires_grad(T t) { return t->requires_grad() ? 1 : 0; }
MLT_API int mlt_set_requires_grad(T t, int on) { MLT_I(t->requires_grad_(on != 0);) }
MLT_API int mlt_is_leaf(T t) { return t->is_leaf() ? 1 : 0; }
// The gradient, or nullptr with no error when there is none.
MLT_API T mlt_grad(T t) {
  MLT_T(const auto& g = t->grad();
        if (!g.defined()) return nullptr;
        return wrap(g);)
}
MLT_API int mlt_set_grad(T t, T g) {
  MLT_I(if (g) t->mutable_grad() = *g; else t->mutable_grad().reset();)
}
MLT_API int mlt_backward(T t, T grad, int retain, int create) {
  MLT_I(if (grad) t->backward(*grad, retain != 0, create != 0);
        else t->backward({}, retain != 0, create != 0);)
}
// Replaces the data of a leaf (e.g. a parameter moved to another device) keeping its identity.
MLT_API int mlt_set_data(T t, T src) { MLT_I(t->set_data(*src);) }
MLT_API int mlt_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
MLT_API void mlt_set_grad_enabled(int on) { c10::GradMode::set_enabled(on != 0); }
MLT_API int mlt_retain_grad(T t) { MLT_I(t->retain_grad();) }

using MusicLM.Torch.Native;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch;

// Element-wise arithmetic, comparisons, activations and their in-place forms.
public partial class Tensor
{
    private Tensor Bin(Binary op, Tensor other, double alpha = 1.0) => new(mlt_binary((int)op, Handle, other.Handle, alpha));
    private Tensor Bin(Binary op, double s, double alpha = 1.0, bool reverse = false) => new(mlt_binary_s((int)op, Handle, s, 0, alpha, reverse ? 1 : 0));
    private Tensor Bin(Binary op, long s, double alpha = 1.0, bool reverse = false) => new(mlt_binary_s((int)op, Handle, s, 1, alpha, reverse ? 1 : 0));

    private Tensor BinInPlace(Binary op, Tensor other, double alpha = 1.0)
    {
        Check(mlt_binary_((int)op, Handle, other.Handle, alpha));
        return this;
    }

    private Tensor BinInPlace(Binary op, double s, bool isInt = false, double alpha = 1.0)
    {
        Check(mlt_binary_s_((int)op, Handle, s, isInt ? 1 : 0, alpha));
        return this;
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.Bin(Binary.Add, b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Bin(Binary.Sub, b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Bin(Binary.Mul, b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Bin(Binary.Div, b);
    public static Tensor operator %(Tensor a, Tensor b) => a.Bin(Binary.Remainder, b);
    public static Tensor operator -(Tensor a) => a.Unary(Native.Unary.Neg);
    public static Tensor operator +(Tensor a, double s) => a.Bin(Binary.Add, s);
    public static Tensor operator -(Tensor a, double s) => a.Bin(Binary.Sub, s);
    public static Tensor operator *(Tensor a, double s) => a.Bin(Binary.Mul, s);
    public static Tensor operator /(Tensor a, double s) => a.Bin(Binary.Div, s);
    public static Tensor operator %(Tensor a, double s) => a.Bin(Binary.Remainder, s);
    public static Tensor operator +(double s, Tensor a) => a.Bin(Binary.Add, s);
    public static Tensor operator -(double s, Tensor a) => a.Bin(Binary.Sub, s, reverse: true);
    public static Tensor operator *(double s, Tensor a) => a.Bin(Binary.Mul, s);
    public static Tensor operator /(double s, Tensor a) => a.Bin(Binary.Div, s, reverse: true);
    // Integer scalars keep integer tensors integer, as Python ints do in PyTorch.
    public static Tensor operator +(Tensor a, long s) => a.Bin(Binary.Add, s);
    public static Tensor operator -(Tensor a, long s) => a.Bin(Binary.Sub, s);
    public static Tensor operator *(Tensor a, long s) => a.Bin(Binary.Mul, s);
    public static Tensor operator %(Tensor a, long s) => a.Bin(Binary.Remainder, s);
    public static Tensor operator +(long s, Tensor a) => a.Bin(Binary.Add, s);
    public static Tensor operator -(long s, Tensor a) => a.Bin(Binary.Sub, s, reverse: true);
    public static Tensor operator *(long s, Tensor a) => a.Bin(Binary.Mul, s);
    public static Tensor operator &(Tensor a, Tensor b) => a.Bin(Binary.LogicalAnd, b);
    public static Tensor operator |(Tensor a, Tensor b) => a.Bin(Binary.LogicalOr, b);
    public static Tensor operator ^(Tensor a, Tensor b) => a.Bin(Binary.LogicalXor, b);
    public static Tensor operator !(Tensor a) => a.Unary(Native.Unary.LogicalNot);

    public Tensor add(Tensor other, double alpha = 1.0) => Bin(Binary.Add, other, alpha);
    public Tensor add(double s) => Bin(Binary.Add, s);
    public Tensor sub(Tensor other, double alpha = 1.0) => Bin(Binary.Sub, other, alpha);
    public Tensor sub(double s) => Bin(Binary.Sub, s);
    public Tensor mul(Tensor other) => Bin(Binary.Mul, other);
    public Tensor mul(double s) => Bin(Binary.Mul, s);
    public Tensor div(Tensor other) => Bin(Binary.Div, other);
    public Tensor div(double s) => Bin(Binary.Div, s);
    public Tensor pow(Tensor exponent) => Bin(Binary.Pow, exponent);
    public Tensor pow(double exponent) => Bin(Binary.Pow, exponent);
    public Tensor maximum(Tensor other) => Bin(Binary.Maximum, other);
    public Tensor minimum(Tensor other) => Bin(Binary.Minimum, other);
    public Tensor remainder(Tensor other) => Bin(Binary.Remainder, other);
    public Tensor remainder(double s) => Bin(Binary.Remainder, s);
    public Tensor fmod(double s) => Bin(Binary.Fmod, s);
    public Tensor floor_divide(Tensor other) => Bin(Binary.FloorDivide, other);
    public Tensor floor_divide(long s) => Bin(Binary.FloorDivide, s);
    public Tensor atan2(Tensor other) => Bin(Binary.Atan2, other);
    public Tensor xlogy(Tensor other) => Bin(Binary.Xlogy, other);
    public Tensor lerp(Tensor end, double weight) => Bin(Binary.Lerp, end, weight);
    public Tensor matmul(Tensor other) => Bin(Binary.Matmul, other);
    public Tensor mm(Tensor other) => Bin(Binary.Mm, other);
    public Tensor bmm(Tensor other) => Bin(Binary.Bmm, other);
    public Tensor outer(Tensor other) => Bin(Binary.Outer, other);
    public Tensor dot(Tensor other) => Bin(Binary.Dot, other);

    public Tensor eq(Tensor o) => Bin(Binary.Eq, o);
    public Tensor ne(Tensor o) => Bin(Binary.Ne, o);
    public Tensor lt(Tensor o) => Bin(Binary.Lt, o);
    public Tensor le(Tensor o) => Bin(Binary.Le, o);
    public Tensor gt(Tensor o) => Bin(Binary.Gt, o);
    public Tensor ge(Tensor o) => Bin(Binary.Ge, o);
    public Tensor eq(double s) => Bin(Binary.Eq, s);
    public Tensor ne(double s) => Bin(Binary.Ne, s);
    public Tensor lt(double s) => Bin(Binary.Lt, s);
    public Tensor le(double s) => Bin(Binary.Le, s);
    public Tensor gt(double s) => Bin(Binary.Gt, s);
    public Tensor ge(double s) => Bin(Binary.Ge, s);
    public Tensor logical_and(Tensor o) => Bin(Binary.LogicalAnd, o);
    public Tensor logical_or(Tensor o) => Bin(Binary.LogicalOr, o);
    public Tensor logical_xor(Tensor o) => Bin(Binary.LogicalXor, o);
    public Tensor logical_not() => Unary(Native.Unary.LogicalNot);

    /// <summary>True when both tensors have the same shape and elements.</summary>
    public bool equal(Tensor other)
    {
        using var r = new Tensor(mlt_equal(Handle, other.Handle));
        return r.item() != 0;
    }

    public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        using var r = new Tensor(mlt_allclose(Handle, other.Handle, rtol, atol));
        return r.item() != 0;
    }

    public Tensor neg() => Unary(Native.Unary.Neg);
    public Tensor exp() => Unary(Native.Unary.Exp);
    public Tensor log() => Unary(Native.Unary.Log);
    public Tensor log2() => Unary(Native.Unary.Log2);
    public Tensor log10() => Unary(Native.Unary.Log10);
    public Tensor log1p() => Unary(Native.Unary.Log1p);
    public Tensor expm1() => Unary(Native.Unary.Expm1);
    public Tensor sqrt() => Unary(Native.Unary.Sqrt);
    public Tensor rsqrt() => Unary(Native.Unary.Rsqrt);
    public Tensor abs() => Unary(Native.Unary.Abs);
    public Tensor sin() => Unary(Native.Unary.Sin);
    public Tensor cos() => Unary(Native.Unary.Cos);
    public Tensor tan() => Unary(Native.Unary.Tan);
    public Tensor asin() => Unary(Native.Unary.Asin);
    public Tensor acos() => Unary(Native.Unary.Acos);
    public Tensor atan() => Unary(Native.Unary.Atan);
    public Tensor sinh() => Unary(Native.Unary.Sinh);
    public Tensor cosh() => Unary(Native.Unary.Cosh);
    public Tensor tanh() => Unary(Native.Unary.Tanh);
    public Tensor sigmoid() => Unary(Native.Unary.Sigmoid);
    public Tensor relu() => Unary(Native.Unary.Relu);
    /// <summary>
    /// GELU; <paramref name="approximate"/> "none" (exact, erf) or "tanh". When a gradient will flow, the exact form is
    /// computed as x · ½ (1 + erf(x / √2)) rather than by libtorch's fused kernel: the fused backward of Debian's libtorch
    /// 1.13 (CPU) returns garbage (1e25 and more, different each run) when the incoming gradient is not laid out like
    /// the input — e.g. after a transpose. The other activations were checked and are fine.
    /// </summary>
    public Tensor gelu(string approximate = "none") => approximate switch
    {
        "none" when requires_grad && torch.is_grad_enabled() => GeluByErf(),
        "none" => Unary(Native.Unary.Gelu),
        "tanh" => Unary(Native.Unary.GeluTanh),
        _ => throw new ArgumentException("approximate must be \"none\" or \"tanh\"", nameof(approximate)),
    };
    private Tensor GeluByErf()
    {
        using var half = (this * Math.Sqrt(0.5)).erf();
        using var onePlus = half + 1.0;
        using var scaled = this * 0.5;
        return scaled * onePlus;
    }

    public Tensor silu() => Unary(Native.Unary.Silu);
    public Tensor elu(double alpha = 1.0) => new(mlt_elu(Handle, alpha));
    public Tensor leaky_relu(double negative_slope = 0.01) => new(mlt_leaky_relu(Handle, negative_slope));
    public Tensor softplus(double beta = 1.0, double threshold = 20.0) => new(mlt_softplus(Handle, beta, threshold));
    public Tensor floor() => Unary(Native.Unary.Floor);
    public Tensor ceil() => Unary(Native.Unary.Ceil);
    public Tensor round() => Unary(Native.Unary.Round);
    public Tensor trunc() => Unary(Native.Unary.Trunc);
    public Tensor sign() => Unary(Native.Unary.Sign);
    public Tensor reciprocal() => Unary(Native.Unary.Reciprocal);
    public Tensor erf() => Unary(Native.Unary.Erf);
    public Tensor square() => Unary(Native.Unary.Square);
    public Tensor contiguous() => Unary(Native.Unary.Contiguous);
    public Tensor clone() => Unary(Native.Unary.Clone);
    public Tensor isnan() => Unary(Native.Unary.IsNan);
    public Tensor isinf() => Unary(Native.Unary.IsInf);
    public Tensor isfinite() => Unary(Native.Unary.IsFinite);
    public Tensor view_as_real() => Unary(Native.Unary.ViewAsReal);
    public Tensor view_as_complex() => Unary(Native.Unary.ViewAsComplex);
    public Tensor real() => Unary(Native.Unary.Real);
    public Tensor imag() => Unary(Native.Unary.Imag);
    public Tensor angle() => Unary(Native.Unary.Angle);
    public Tensor t() => Unary(Native.Unary.T);
    public Tensor nonzero() => Unary(Native.Unary.Nonzero);

    public Tensor softmax(long dim) => new(mlt_softmax(Handle, dim, 0));
    public Tensor log_softmax(long dim) => new(mlt_softmax(Handle, dim, 1));
    public Tensor triu(long diagonal = 0) => new(mlt_triu(Handle, diagonal, 0));
    public Tensor tril(long diagonal = 0) => new(mlt_triu(Handle, diagonal, 1));

    public Tensor clamp(double? min = null, double? max = null) =>
        new(mlt_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0));
    public Tensor clamp_min(double min) => clamp(min, null);
    public Tensor clamp_max(double max) => clamp(null, max);
    public Tensor clamp_(double? min = null, double? max = null)
    {
        Check(mlt_clamp_(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0));
        return this;
    }

    /// <summary>Elements of this tensor where <paramref name="condition"/> holds, else of <paramref name="other"/>.</summary>
    public Tensor where(Tensor condition, Tensor other) => new(mlt_where(condition.Handle, Handle, other.Handle));
    public Tensor masked_fill(Tensor mask, double value) => new(mlt_masked_fill(Handle, mask.Handle, value, 0));
    public Tensor masked_fill_(Tensor mask, double value)
    {
        Check(mlt_masked_fill_(Handle, mask.Handle, value, 0));
        return this;
    }

    public Tensor addcmul(Tensor t1, Tensor t2, double value = 1.0) => new(mlt_addcmul(Handle, t1.Handle, t2.Handle, value));
    public Tensor addcdiv(Tensor t1, Tensor t2, double value = 1.0) => new(mlt_addcdiv(Handle, t1.Handle, t2.Handle, value));

    // ---- in place ----
    public Tensor add_(Tensor other, double alpha = 1.0) => BinInPlace(Binary.Add, other, alpha);
    public Tensor add_(double s) => BinInPlace(Binary.Add, s);
    public Tensor sub_(Tensor other, double alpha = 1.0) => BinInPlace(Binary.Sub, other, alpha);
    public Tensor sub_(double s) => BinInPlace(Binary.Sub, s);
    public Tensor add_(long s) => BinInPlace(Binary.Add, s, isInt: true);
    public Tensor sub_(long s) => BinInPlace(Binary.Sub, s, isInt: true);
    public Tensor mul_(long s) => BinInPlace(Binary.Mul, s, isInt: true);
    public Tensor mul_(Tensor other) => BinInPlace(Binary.Mul, other);
    public Tensor mul_(double s) => BinInPlace(Binary.Mul, s);
    public Tensor div_(Tensor other) => BinInPlace(Binary.Div, other);
    public Tensor div_(double s) => BinInPlace(Binary.Div, s);
    public Tensor pow_(double s) => BinInPlace(Binary.Pow, s);
    public Tensor lerp_(Tensor end, double weight) => BinInPlace(Binary.Lerp, end, weight);
    public Tensor copy_(Tensor src) => BinInPlace(Binary.Copy, src);
    public Tensor fill_(double value) => BinInPlace(Binary.Copy, value);
    public Tensor zero_() => UnaryInPlace(Native.Unary.ZerosLike);
    public Tensor neg_() => UnaryInPlace(Native.Unary.Neg);
    public Tensor exp_() => UnaryInPlace(Native.Unary.Exp);
    public Tensor log_() => UnaryInPlace(Native.Unary.Log);
    public Tensor sqrt_() => UnaryInPlace(Native.Unary.Sqrt);
    public Tensor abs_() => UnaryInPlace(Native.Unary.Abs);
    public Tensor tanh_() => UnaryInPlace(Native.Unary.Tanh);
    public Tensor sigmoid_() => UnaryInPlace(Native.Unary.Sigmoid);
    public Tensor relu_() => UnaryInPlace(Native.Unary.Relu);
    public Tensor addcmul_(Tensor t1, Tensor t2, double value = 1.0)
    {
        Check(mlt_addcmul_(Handle, t1.Handle, t2.Handle, value));
        return this;
    }
    public Tensor addcdiv_(Tensor t1, Tensor t2, double value = 1.0)
    {
        Check(mlt_addcdiv_(Handle, t1.Handle, t2.Handle, value));
        return this;
    }
    public Tensor normal_(double mean = 0, double std = 1)
    {
        Check(mlt_normal_(Handle, mean, std));
        return this;
    }
    public Tensor uniform_(double from = 0, double to = 1)
    {
        Check(mlt_uniform_(Handle, from, to));
        return this;
    }
}

namespace MusicLM.Torch.Native;

/// <summary>Operation codes of mlt_unary / mlt_unary_ (lib/native/src/elementwise.cpp).</summary>
internal enum Unary
{
    Neg = 0, Exp, Log, Sqrt, Rsqrt, Abs, Sin, Cos, Tanh, Sigmoid, Relu, Gelu, Silu, GeluTanh, Floor, Ceil,
    Round, Sign, Log1p, Expm1, Reciprocal, Erf, Square, Contiguous, Clone, Detach, LogicalNot, IsNan,
    IsInf, Log2, Log10, Tan, Atan, ViewAsReal, ViewAsComplex, Real, Imag, Angle, Trunc, IsFinite, T,
    Nonzero, ZerosLike, OnesLike, RandLike, RandnLike, EmptyLike, Asin, Acos, Sinh, Cosh,
}

/// <summary>Operation codes of mlt_binary and friends (lib/native/src/elementwise.cpp).</summary>
internal enum Binary
{
    Add = 0, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr,
    Remainder, Atan2, Matmul, Bmm, Mm, FloorDivide, LogicalXor, Fmod, Outer, Dot, Xlogy, Lerp, Copy,
}

/// <summary>Operation codes of mlt_reduce (lib/native/src/reduce.cpp).</summary>
internal enum Reduce { Sum = 0, Mean, Amax, Amin, LogSumExp, Prod, All, Any }

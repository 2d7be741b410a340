using MusicLM.Torch;

namespace MusicLM.Interactive;

/// <summary>Converts the array and tensor shapes students have at hand into (channels, frames) floats.</summary>
internal static class Samples
{
    public static float[,] FromMono(ReadOnlySpan<float> x)
    {
        var a = new float[1, x.Length];
        for (var i = 0; i < x.Length; i++) a[0, i] = x[i];
        return a;
    }

    public static float[,] FromMono(ReadOnlySpan<double> x)
    {
        var a = new float[1, x.Length];
        for (var i = 0; i < x.Length; i++) a[0, i] = (float)x[i];
        return a;
    }

    /// <summary>A (T), (C, T) or (1, C, T) floating tensor, from any device.</summary>
    public static float[,] FromTensor(Tensor t, string what = "audio")
    {
        ArgumentNullException.ThrowIfNull(t);
        var shape = t.shape;
        long c, n;
        switch (shape.Length)
        {
            case 1: c = 1; n = shape[0]; break;
            case 2: c = shape[0]; n = shape[1]; break;
            case 3 when shape[0] == 1: c = shape[1]; n = shape[2]; break;
            default:
                throw new ArgumentException($"{what} tensor must have shape (T), (C, T) or (1, C, T); got ({string.Join(", ", shape)})", nameof(t));
        }
        if (!t.is_floating_point())
            throw new ArgumentException($"{what} tensor must hold floating-point samples in [-1, 1]; got {t.dtype.Name()}", nameof(t));
        var flat = ToFloats(t);
        var a = new float[c, n];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(float));
        return a;
    }

    /// <summary>All elements as float32, row-major, without leaking the temporary tensor.</summary>
    public static float[] ToFloats(Tensor t)
    {
        if (t.dtype == ScalarType.Float32) return t.ToArray<float>();
        using var f = t.to(ScalarType.Float32);
        return f.ToArray<float>();
    }

    /// <summary>A 2-D tensor as a float matrix (any numeric dtype).</summary>
    public static float[,] Matrix(Tensor t, string what)
    {
        ArgumentNullException.ThrowIfNull(t);
        var shape = t.shape;
        if (shape.Length != 2) throw new ArgumentException($"{what} must be 2-D; got shape ({string.Join(", ", shape)})", nameof(t));
        var flat = ToFloats(t);
        var a = new float[shape[0], shape[1]];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(float));
        return a;
    }
}

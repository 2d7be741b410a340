using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch.nn;

/// <summary>PyTorch's <c>torch.nn.utils</c>: gradient clipping. (Weight normalisation is a layer option: see <see cref="Conv1d"/>.)</summary>
public static unsafe class utils
{
    /// <summary>
    /// Scales every gradient by max_norm / (total + 1e-6) when the total norm — the p-norm of all gradients
    /// together, as if concatenated — exceeds <paramref name="max_norm"/>. Returns the total norm before clipping.
    /// Parameters without a gradient are skipped. One native call.
    /// </summary>
    public static double clip_grad_norm_(IEnumerable<Parameter> parameters, double max_norm, double norm_type = 2.0)
    {
        if (max_norm < 0) throw new ArgumentOutOfRangeException(nameof(max_norm), max_norm, "max_norm must be non-negative");
        var hs = Tensor.Handles(parameters.ToList());
        double total;
        fixed (IntPtr* p = hs) Check(mlt_clip_grad_norm(p, hs.Length, max_norm, norm_type, out total));
        return total;
    }
}

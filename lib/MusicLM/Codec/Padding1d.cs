using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec;

/// <summary>EnCodec's padding helpers (<c>modules/conv.py</c>), so lengths and edge values match its convolutions.</summary>
internal static class Padding1d
{
    /// <summary>
    /// Right padding that makes the last window complete: the conv then yields ceil((T − k + p) / s) + 1
    /// frames, so no input sample is dropped (<c>get_extra_padding_for_conv1d</c>).
    /// </summary>
    public static long ExtraPaddingForConv1d(long length, long kernelSize, long stride, long paddingTotal)
    {
        var nFrames = (double)(length - kernelSize + paddingTotal) / stride + 1;
        var idealLength = ((long)Math.Ceiling(nFrames) - 1) * stride + (kernelSize - paddingTotal);
        return idealLength - length;
    }

    /// <summary>Pads the time axis; reflect padding of an input shorter than the padding first pads it with zeros (<c>pad1d</c>).</summary>
    public static Tensor Pad1d(Tensor x, long left, long right, string mode)
    {
        if (mode != "reflect") return F.pad(x, new[] { left, right }, PaddingMode.Constant); // (B, C, T) -> (B, C, left + T + right)
        var length = x.size(-1);
        var maxPad = Math.Max(left, right);
        long extra = 0;
        Tensor? widened = null;
        if (length <= maxPad)
        {
            extra = maxPad - length + 1;
            widened = F.pad(x, new[] { 0L, extra }, PaddingMode.Constant);
        }
        using (widened)
        {
            using var padded = F.pad(widened ?? x, new[] { left, right }, PaddingMode.Reflect);
            return padded.narrow(-1, 0, padded.size(-1) - extra);
        }
    }

    /// <summary>Removes <paramref name="left"/> and <paramref name="right"/> samples from the time axis (<c>unpad1d</c>).</summary>
    public static Tensor Unpad1d(Tensor x, long left, long right) => x.narrow(-1, left, x.size(-1) - left - right);
}

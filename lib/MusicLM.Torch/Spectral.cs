using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch;

public enum WindowKind { Hann = 0, Hamming = 1, Blackman = 2, Rectangular = 3 }

// Windows and the short-time Fourier transform.
public static unsafe partial class torch
{
    public static Tensor hann_window(long length, bool periodic = true, ScalarType? dtype = null, Device? device = null) => window(WindowKind.Hann, length, periodic, dtype, device);
    public static Tensor hamming_window(long length, bool periodic = true, ScalarType? dtype = null, Device? device = null) => window(WindowKind.Hamming, length, periodic, dtype, device);
    public static Tensor blackman_window(long length, bool periodic = true, ScalarType? dtype = null, Device? device = null) => window(WindowKind.Blackman, length, periodic, dtype, device);

    public static Tensor window(WindowKind kind, long length, bool periodic = true, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(mlt_window((int)kind, length, periodic ? 1 : 0, (int)(dtype ?? default_dtype), (int)d.Type, d.Index));
    }

    /// <summary>
    /// Complex STFT of (time) or (batch, time) → (freq, frames) or (batch, freq, frames), as
    /// <c>torch.stft(..., return_complex=True)</c>. With <paramref name="center"/> the signal is
    /// reflect-padded by n_fft/2 on both sides, as PyTorch does by default.
    /// </summary>
    public static Tensor stft(Tensor input, long n_fft, long? hop_length = null, long? win_length = null, Tensor? window = null,
                              bool center = true, bool normalized = false, bool onesided = true)
    {
        long hop = hop_length ?? n_fft / 4;
        long win = win_length ?? n_fft;
        using var scope = NewDisposeScope();
        var x = input;
        if (center)
        {
            var x3 = input.dim() == 1 ? input.view(1, 1, -1) : input.unsqueeze(1);
            x = nn.functional.pad(x3, new[] { n_fft / 2, n_fft / 2 }, nn.PaddingMode.Reflect);
            x = input.dim() == 1 ? x.view(-1) : x.squeeze(1);
        }
        var spec = new Tensor(mlt_stft(x.Handle, n_fft, hop, win, window?.Handle ?? IntPtr.Zero, normalized ? 1 : 0, onesided ? 1 : 0));
        return spec.MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of <see cref="stft"/>; <paramref name="length"/> trims or pads the output.</summary>
    public static Tensor istft(Tensor input, long n_fft, long? hop_length = null, long? win_length = null, Tensor? window = null,
                               bool center = true, bool normalized = false, bool onesided = true, long? length = null) =>
        new(mlt_istft(input.Handle, n_fft, hop_length ?? n_fft / 4, win_length ?? n_fft, window?.Handle ?? IntPtr.Zero,
                      center ? 1 : 0, normalized ? 1 : 0, onesided ? 1 : 0, length ?? 0));
}

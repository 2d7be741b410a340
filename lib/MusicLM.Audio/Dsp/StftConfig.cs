using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// The parameters of a short-time Fourier transform, as <c>torch.stft</c> takes them: FFT size,
/// hop between frames, window (length <see cref="WinLength"/>, default <see cref="NFft"/>) and
/// whether frames are centred (the signal reflect-padded by n_fft/2 on both sides).
/// </summary>
public sealed record StftConfig(int NFft = 1024, int HopLength = 256, int? WinLength = null, WindowKind Window = WindowKind.Hann, bool Center = true)
{
    /// <summary>Frequency bins of a one-sided transform: n_fft/2 + 1.</summary>
    public int FreqBins => NFft / 2 + 1;

    /// <summary>The window length actually used.</summary>
    public int WindowLength => WinLength ?? NFft;

    /// <summary>Number of frames for a signal of <paramref name="samples"/> samples.</summary>
    public long Frames(long samples) => Center ? samples / HopLength + 1 : Math.Max(0, 1 + (samples - NFft) / HopLength);

    /// <summary>Frames per second at <paramref name="sampleRate"/>.</summary>
    public double FrameRate(int sampleRate) => (double)sampleRate / HopLength;

    /// <summary>Centre frequency in Hz of each bin: k · sr / n_fft for k = 0 … n_fft/2.</summary>
    public double[] BinFrequencies(int sampleRate) => Enumerable.Range(0, FreqBins).Select(k => (double)k * sampleRate / NFft).ToArray();

    internal void Validate()
    {
        if (NFft < 2) throw new ArgumentOutOfRangeException(nameof(NFft), NFft, "n_fft must be at least 2");
        if (HopLength < 1) throw new ArgumentOutOfRangeException(nameof(HopLength), HopLength, "the hop must be positive");
        if (WindowLength < 1 || WindowLength > NFft) throw new ArgumentOutOfRangeException(nameof(WinLength), WinLength, "the window length must be in [1, n_fft]");
    }

    internal Tensor MakeWindow(ScalarType dtype, Device device) => torch.window(Window, WindowLength, periodic: true, dtype, device);
}

using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

public class SpectralTests
{
    [Fact]
    public void Windows_match_their_cosine_formulas()
    {
        using var scope = torch.NewDisposeScope();
        int n = 8;
        Close(Enumerable.Range(0, n).Select(i => 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n)).ToArray(), torch.hann_window(n, dtype: ScalarType.Float64), 1e-12);
        Close(Enumerable.Range(0, n).Select(i => 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (n - 1))).ToArray(), torch.hann_window(n, periodic: false, dtype: ScalarType.Float64), 1e-12);
        Close(Enumerable.Range(0, n).Select(i => 0.54 - 0.46 * Math.Cos(2 * Math.PI * i / n)).ToArray(), torch.hamming_window(n, dtype: ScalarType.Float64), 1e-12);
        Close(Enumerable.Range(0, n).Select(i => 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / n) + 0.08 * Math.Cos(4 * Math.PI * i / n)).ToArray(), torch.blackman_window(n, dtype: ScalarType.Float64), 1e-12);
        Close(Enumerable.Repeat(1.0, n).ToArray(), torch.window(WindowKind.Rectangular, n, dtype: ScalarType.Float64));
    }

    [Fact]
    public void A_pure_tone_peaks_at_its_bin()
    {
        using var scope = torch.NewDisposeScope();
        int nfft = 64, bin = 8;
        var x = torch.tensor(Enumerable.Range(0, 1024).Select(i => Math.Cos(2 * Math.PI * bin * i / nfft) + 0.0).ToArray());
        var spec = torch.stft(x, nfft, 16, window: torch.hann_window(nfft, dtype: ScalarType.Float64));
        Assert.Equal(ScalarType.Complex128, spec.dtype);
        Shape(spec, nfft / 2 + 1, 1024 / 16 + 1);
        var mag = spec.abs();
        var peaks = mag.argmax(0).ToArray<long>();
        // Every frame away from the reflect-padded edges peaks at the tone's bin.
        Assert.All(peaks[2..^2], p => Assert.Equal(bin, p));
        // A hann-windowed cosine at an exact bin has magnitude Σw/2 = N/4 there.
        Assert.Equal(nfft / 4.0, mag[bin, 10].item(), 6);
        // Batched input gives a batch of spectrograms.
        var b = torch.stack(new[] { x, x * 2.0 });
        Shape(torch.stft(b, nfft, 16, window: torch.hann_window(nfft, dtype: ScalarType.Float64)), 2, nfft / 2 + 1, 1024 / 16 + 1);
    }

    [Fact]
    public void One_stft_frame_equals_a_hand_DFT_of_the_windowed_samples()
    {
        using var scope = torch.NewDisposeScope();
        int nfft = 16, hop = 4, frame = 3;
        var xs = Rand(64, 11);
        var w = Enumerable.Range(0, nfft).Select(i => 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / nfft)).ToArray();
        var spec = torch.stft(T(xs), nfft, hop, window: torch.hann_window(nfft, dtype: ScalarType.Float64), center: false);
        Shape(spec, nfft / 2 + 1, (64 - nfft) / hop + 1);
        var ri = spec[.., frame].view_as_real(); // (freq, 2)
        var expected = new double[(nfft / 2 + 1) * 2];
        for (int f = 0; f <= nfft / 2; f++)
            for (int n = 0; n < nfft; n++)
            {
                double v = w[n] * xs[frame * hop + n];
                expected[2 * f] += v * Math.Cos(2 * Math.PI * f * n / nfft);
                expected[2 * f + 1] -= v * Math.Sin(2 * Math.PI * f * n / nfft);
            }
        Close(expected, ri.contiguous(), 1e-12);
        // normalized divides by √N; two-sided keeps all N bins.
        Close(expected.Select(v => v / Math.Sqrt(nfft)).ToArray(),
              torch.stft(T(xs), nfft, hop, window: torch.hann_window(nfft, dtype: ScalarType.Float64), center: false, normalized: true)[.., frame].view_as_real().contiguous(), 1e-12);
        Shape(torch.stft(T(xs), nfft, hop, center: false, onesided: false), nfft, 13);
    }

    [Fact]
    public void Istft_of_stft_reconstructs_the_signal()
    {
        using var scope = torch.NewDisposeScope();
        var xs = Rand(400, 12);
        foreach (var win in new[] { torch.hann_window(64, dtype: ScalarType.Float64), torch.hamming_window(64, dtype: ScalarType.Float64) })
        {
            var spec = torch.stft(T(xs), 64, 16, window: win);
            var y = torch.istft(spec, 64, 16, window: win, length: 400);
            Shape(y, 400);
            Close(xs, y, 1e-9);
        }
        // float32 batch
        var xb = torch.tensor(Rand(2 * 256, 13).Select(v => (float)v).ToArray(), 2, 256);
        var wf = torch.hann_window(32);
        var yb = torch.istft(torch.stft(xb, 32, 8, window: wf), 32, 8, window: wf, length: 256);
        Shape(yb, 2, 256);
        Close(D(xb), yb, 1e-5);
    }
}

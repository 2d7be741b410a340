using MusicLM.Audio;

namespace MusicLM.Codec;

/// <summary>
/// μ-law companding (ITU-T G.711's curve, WaveNet's 8-bit output): F(x) = sign(x) · ln(1 + μ|x|) / ln(1 + μ) with
/// μ = 2^bits − 1, quantized uniformly to 2^bits levels. Quiet samples get finer steps than loud ones. The course
/// uses it as the plain baseline a neural codec has to beat: at a bitrate like the codec's it must run at a very low
/// sample rate (3.2 kbps at 8 bits = 400 samples per second).
/// </summary>
public static class MuLaw
{
    /// <summary>Codes 0 … 2^bits − 1 of samples in [−1, 1] (values outside are clipped).</summary>
    public static int[] Encode(ReadOnlySpan<float> samples, int bits = 8)
    {
        var mu = Mu(bits);
        var levels = (1 << bits) - 1;
        var codes = new int[samples.Length];
        var log1pMu = Math.Log(1 + mu);
        for (var i = 0; i < samples.Length; i++)
        {
            var x = float.IsNaN(samples[i]) ? 0.0 : Math.Clamp(samples[i], -1f, 1f);
            var y = Math.Sign(x) * Math.Log(1 + mu * Math.Abs(x)) / log1pMu;   // [−1, 1]
            codes[i] = (int)Math.Round((y + 1) / 2 * levels);
        }
        return codes;
    }

    /// <summary>Samples in [−1, 1] of codes made by <see cref="Encode"/>.</summary>
    public static float[] Decode(ReadOnlySpan<int> codes, int bits = 8)
    {
        var mu = Mu(bits);
        var levels = (1 << bits) - 1;
        var samples = new float[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            if (codes[i] < 0 || codes[i] > levels) throw new ArgumentOutOfRangeException(nameof(codes), $"code {codes[i]} at {i} is outside 0 … {levels} for {bits} bits");
            var y = 2.0 * codes[i] / levels - 1;
            samples[i] = (float)(Math.Sign(y) * (Math.Pow(1 + mu, Math.Abs(y)) - 1) / mu);
        }
        return samples;
    }

    /// <summary>Bits per second of μ-law audio: sample rate · bits.</summary>
    public static double Bitrate(int sampleRate, int bits = 8) => (double)sampleRate * bits;

    /// <summary>
    /// The μ-law baseline: the clip mixed to mono, resampled to <paramref name="codedRate"/>, μ-law coded with
    /// <paramref name="bits"/> bits, decoded and resampled back to the clip's rate (same length as the clip).
    /// </summary>
    public static AudioClip RoundTrip(AudioClip clip, int codedRate, int bits = 8)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (codedRate < 1) throw new ArgumentException($"codedRate must be positive, got {codedRate}", nameof(codedRate));
        var mono = clip.Channels == 1 ? clip : AudioEdit.ToMono(clip);
        var low = codedRate == clip.SampleRate ? mono : Resampler.Resample(mono, codedRate);
        var coded = new AudioClip(Decode(Encode(low.Channel(0), bits), bits), codedRate);
        var back = codedRate == clip.SampleRate ? coded : Resampler.Resample(coded, clip.SampleRate);
        var samples = new float[clip.Frames];
        var from = back.Channel(0);
        Array.Copy(from, samples, Math.Min(from.Length, samples.Length));
        return new AudioClip(samples, clip.SampleRate);
    }

    private static double Mu(int bits)
    {
        if (bits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(bits), $"bits must be between 2 and 16, got {bits}");
        return (1 << bits) - 1;
    }
}

namespace MusicLM.Audio;

/// <summary>
/// The windowed-sinc filter <see cref="Resampler"/> uses. <paramref name="ZeroCrossings"/>: sinc lobes kept
/// on each side (longer = sharper transition, slower). <paramref name="Rolloff"/>: the cutoff as a fraction
/// of the lower Nyquist frequency. <paramref name="KaiserBeta"/>: the Kaiser window's shape, which sets the
/// stop-band rejection: about <c>8.7 + KaiserBeta / 0.1102</c> dB (Kaiser's formula).
/// The transition band, centred on the cutoff, is about <c>(A − 8) / (14.36 × ZeroCrossings)</c> of it wide,
/// so each preset's cutoff is placed for the stop band to start just below the lower Nyquist frequency.
/// </summary>
public sealed record ResampleQuality(int ZeroCrossings, double Rolloff, double KaiserBeta)
{
    /// <summary>≈ 60 dB rejection, flat to ≈ 72 % of the lower Nyquist; short filters.</summary>
    public static ResampleQuality Fast { get; } = new(12, 0.85, 5.7);

    /// <summary>≈ 90 dB rejection, flat to ≈ 82 % of the lower Nyquist (the default).</summary>
    public static ResampleQuality High { get; } = new(32, 0.90, 9.0);

    /// <summary>≈ 120 dB rejection, flat to ≈ 88 % of the lower Nyquist; the longest filters.</summary>
    public static ResampleQuality Best { get; } = new(64, 0.94, 12.3);

    /// <summary>Kaiser's estimate of the stop-band attenuation in dB.</summary>
    public double StopbandAttenuationDb => 8.7 + KaiserBeta / 0.1102;
}

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Conversions between Hz and mel. <see cref="MelScaleKind.Htk"/>: mel = 2595 · log10(1 + f/700),
/// so 1000 Hz ≈ 1000 mel. <see cref="MelScaleKind.Slaney"/>: mel = f / (200/3) below 1 kHz (so
/// 1000 Hz = 15 mel) and 15 + ln(f / 1000) / (ln 6.4 / 27) above.
/// </summary>
public static class MelScale
{
    private const double SlaneyHzPerMel = 200.0 / 3;
    private const double SlaneyBreakHz = 1000.0;
    private const double SlaneyBreakMel = SlaneyBreakHz / SlaneyHzPerMel; // 15
    private static readonly double SlaneyLogStep = Math.Log(6.4) / 27.0;

    public static double HzToMel(double hz, MelScaleKind scale = MelScaleKind.Htk) => scale switch
    {
        MelScaleKind.Htk => 2595.0 * Math.Log10(1.0 + hz / 700.0),
        MelScaleKind.Slaney => hz < SlaneyBreakHz ? hz / SlaneyHzPerMel : SlaneyBreakMel + Math.Log(hz / SlaneyBreakHz) / SlaneyLogStep,
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, null),
    };

    public static double MelToHz(double mel, MelScaleKind scale = MelScaleKind.Htk) => scale switch
    {
        MelScaleKind.Htk => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0),
        MelScaleKind.Slaney => mel < SlaneyBreakMel ? mel * SlaneyHzPerMel : SlaneyBreakHz * Math.Exp(SlaneyLogStep * (mel - SlaneyBreakMel)),
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, null),
    };

    public static double[] HzToMel(IEnumerable<double> hz, MelScaleKind scale = MelScaleKind.Htk) => hz.Select(f => HzToMel(f, scale)).ToArray();
    public static double[] MelToHz(IEnumerable<double> mel, MelScaleKind scale = MelScaleKind.Htk) => mel.Select(m => MelToHz(m, scale)).ToArray();
}

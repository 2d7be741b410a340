using MusicLM.Torch;

namespace MusicLM.Audio.Dsp;

/// <summary>
/// Triangular mel filters mapping the n_fft/2 + 1 bins of a one-sided STFT to <c>n_mels</c> bands:
/// n_mels + 2 points equally spaced in mel between fMin and fMax, converted to Hz; filter m rises
/// linearly from point m to point m+1 and falls to point m+2 (peak 1), evaluated at the bin
/// frequencies k · sr / n_fft.
/// <list type="bullet">
/// <item><b>torchaudio</b> (<c>torchaudio.transforms.MelSpectrogram</c>, <c>melscale_fbanks</c>) defaults:
/// <see cref="MelScaleKind.Htk"/> with <see cref="MelNorm.None"/> (peak-1 triangles), fMax = sr/2.</item>
/// <item><b>librosa</b> (<c>librosa.filters.mel</c>, <c>librosa.feature.melspectrogram</c>) defaults:
/// <see cref="MelScaleKind.Slaney"/> (htk=False) with <see cref="MelNorm.Slaney"/> (area normalisation,
/// each triangle times 2 / bandwidth in Hz), fMax = sr/2.</item>
/// </list>
/// The result is (n_mels, F) so that <c>fb.matmul(power)</c> maps (B, F, frames) → (B, n_mels, frames);
/// torchaudio returns the transpose (F, n_mels).
/// </summary>
public static class MelFilterbank
{
    /// <summary>The filterbank as a tensor (n_mels, n_fft/2 + 1).</summary>
    public static Tensor Create(int sampleRate, int nFft, int nMels, double fMin = 0, double? fMax = null,
                                MelScaleKind scale = MelScaleKind.Htk, MelNorm norm = MelNorm.None,
                                ScalarType? dtype = null, Device? device = null)
    {
        var w = Weights(sampleRate, nFft, nMels, fMin, fMax, scale, norm);
        using var t = torch.tensor(w);                                     // (n_mels, F) float64
        return t.to(device ?? Device.CPU, dtype ?? torch.default_dtype);
    }

    /// <summary>The same filterbank as a managed array [n_mels, n_fft/2 + 1] (float64).</summary>
    public static double[,] Weights(int sampleRate, int nFft, int nMels, double fMin = 0, double? fMax = null,
                                    MelScaleKind scale = MelScaleKind.Htk, MelNorm norm = MelNorm.None)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        if (nFft < 2) throw new ArgumentOutOfRangeException(nameof(nFft), nFft, "n_fft must be at least 2");
        if (nMels < 1) throw new ArgumentOutOfRangeException(nameof(nMels), nMels, "n_mels must be positive");
        double hi = fMax ?? sampleRate / 2.0;
        if (fMin < 0 || !(hi > fMin)) throw new ArgumentException($"need 0 ≤ fMin < fMax, got {fMin} and {hi}");

        int nFreqs = nFft / 2 + 1;
        double melLo = MelScale.HzToMel(fMin, scale), melHi = MelScale.HzToMel(hi, scale);
        var pts = new double[nMels + 2];                                   // filter edges in Hz
        for (int i = 0; i < pts.Length; i++)
            pts[i] = MelScale.MelToHz(melLo + (melHi - melLo) * i / (nMels + 1), scale);

        var w = new double[nMels, nFreqs];
        for (int m = 0; m < nMels; m++)
        {
            double left = pts[m], centre = pts[m + 1], right = pts[m + 2];
            double scaleBy = norm == MelNorm.Slaney ? 2.0 / (right - left) : 1.0;
            for (int k = 0; k < nFreqs; k++)
            {
                double f = (double)k * sampleRate / nFft;
                double up = (f - left) / (centre - left), down = (right - f) / (right - centre);
                w[m, k] = Math.Max(0.0, Math.Min(up, down)) * scaleBy;
            }
        }
        return w;
    }
}

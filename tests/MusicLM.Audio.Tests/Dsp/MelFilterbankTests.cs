using MusicLM.Audio.Dsp;
using MusicLM.Torch;

namespace MusicLM.Audio.Tests.Dsp;

public class MelFilterbankTests
{
    // torchaudio.functional.melscale_fbanks (mel_scale="htk", norm=None), written out in numpy.
    private const string TorchaudioReference = """
        import json, numpy as np
        sr, n_fft, n_mels, f_min, f_max = 16000, 512, 40, 0.0, 8000.0
        n_freqs = n_fft // 2 + 1
        all_freqs = np.linspace(0, sr // 2, n_freqs)
        hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
        mel_to_hz = lambda m: 700.0 * (10.0 ** (m / 2595.0) - 1.0)
        m_pts = np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2)
        f_pts = mel_to_hz(m_pts)
        f_diff = f_pts[1:] - f_pts[:-1]
        slopes = f_pts[None, :] - all_freqs[:, None]
        down = (-1.0 * slopes[:, :-2]) / f_diff[:-1]
        up = slopes[:, 2:] / f_diff[1:]
        fb = np.maximum(0.0, np.minimum(down, up))      # (n_freqs, n_mels)
        print(json.dumps(fb.T.tolist()))
        """;

    // librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney"), written out in numpy.
    private const string LibrosaReference = """
        import json, numpy as np
        sr, n_fft, n_mels, fmin, fmax = 22050, 2048, 64, 30.0, 11025.0
        def hz_to_mel(f):
            f = np.asanyarray(f, dtype=float)
            f_sp = 200.0 / 3
            mels = f / f_sp
            min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
            return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)
        def mel_to_hz(m):
            m = np.asanyarray(m, dtype=float)
            f_sp = 200.0 / 3
            freqs = f_sp * m
            min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
            return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)
        fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
        mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
        fdiff = np.diff(mel_f)
        ramps = np.subtract.outer(mel_f, fftfreqs)
        weights = np.zeros((n_mels, 1 + n_fft // 2))
        for i in range(n_mels):
            lower = -ramps[i] / fdiff[i]
            upper = ramps[i + 2] / fdiff[i + 1]
            weights[i] = np.maximum(0, np.minimum(lower, upper))
        enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
        print(json.dumps(weights.tolist()))
        """;

    [Fact]
    public void Htk_without_norm_matches_the_torchaudio_formula()
    {
        var expected = Numpy.Matrix(Numpy.Run(TorchaudioReference));
        var actual = MelFilterbank.Weights(16000, 512, 40, 0, 8000, MelScaleKind.Htk, MelNorm.None);
        Assert.True(MaxAbsDiff(expected, actual) < 1e-9, $"max abs diff {MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void Slaney_with_area_norm_matches_the_librosa_formula()
    {
        var expected = Numpy.Matrix(Numpy.Run(LibrosaReference));
        var actual = MelFilterbank.Weights(22050, 2048, 64, 30, 11025, MelScaleKind.Slaney, MelNorm.Slaney);
        double scale = expected.Cast<double>().Max();
        Assert.True(MaxAbsDiff(expected, actual) < 1e-9 * scale, $"max abs diff {MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void Unnormalised_filters_peak_near_1_and_area_normalised_filters_have_unit_area_in_Hz()
    {
        const int sr = 16000, nFft = 4096;
        double binHz = (double)sr / nFft;
        var plain = MelFilterbank.Weights(sr, nFft, 20, 100, 8000, MelScaleKind.Slaney, MelNorm.None);
        var area = MelFilterbank.Weights(sr, nFft, 20, 100, 8000, MelScaleKind.Slaney, MelNorm.Slaney);
        for (int m = 0; m < 20; m++)
        {
            double peak = 0, integral = 0;
            for (int k = 0; k < nFft / 2 + 1; k++)
            {
                peak = Math.Max(peak, plain[m, k]);
                integral += area[m, k] * binHz;
            }
            Assert.InRange(peak, 0.9, 1.0 + 1e-12);
            Assert.InRange(integral, 0.97, 1.03);
        }
    }

    [Fact]
    public void Create_gives_an_engine_tensor_of_shape_n_mels_by_bins_in_the_requested_dtype()
    {
        using var fb = MelFilterbank.Create(16000, 400, 128, dtype: ScalarType.Float64);
        Assert.Equal(new long[] { 128, 201 }, fb.shape);
        Assert.Equal(ScalarType.Float64, fb.dtype);
        using var min = fb.min();
        Assert.True(min.item() >= 0);
    }

    private static double MaxAbsDiff(double[,] a, double[,] b)
    {
        Assert.Equal(a.GetLength(0), b.GetLength(0));
        Assert.Equal(a.GetLength(1), b.GetLength(1));
        double d = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) d = Math.Max(d, Math.Abs(a[i, j] - b[i, j]));
        return d;
    }
}

using MusicLM.Audio.Dsp;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Semantic;

/// <summary>
/// Iteration 0's frame features (see <see cref="SemanticFeatureConfig"/>): audio (B, S) at the config's rate →
/// (B, T, Dim) with T = ⌈S / hop⌉, frame t covering samples [t · hop, (t + 1) · hop) and every window centred on
/// that frame's middle, so semantic frame t lines up with codec frames 2t and 2t + 1 (50 Hz). The signal is padded
/// with zeros (not reflected), so short clips work and silence stays silence.
/// <para>Buffers: <c>mean</c> and <c>std</c> (FrameDim), fitted on the training frames by <see cref="FitStatistics"/>.</para>
/// </summary>
public sealed class SemanticFeatures : Module
{
    public Tensor mean;
    public Tensor std;

    [Transient] private readonly MelSpectrogram mel;
    [Transient] private readonly OnsetStrength onset;
    [Transient] private readonly Spectrogram fine;     // n_fft MelFft, hop / 5: mel and onsets
    [Transient] private readonly Spectrogram coarse;   // n_fft ChromaFft, hop: chroma
    [Transient] private readonly Chroma chroma;

    /// <summary>Onset sub-frames per frame.</summary>
    public const int OnsetSubframes = 5;

    public SemanticFeatures(SemanticFeatureConfig config)
    {
        config.Validate();
        Config = config;
        int sub = config.HopLength / OnsetSubframes;
        var fMax = Math.Min(config.SampleRate / 2.0, 11025.0);
        mel = new MelSpectrogram(new MelSpectrogramConfig(config.SampleRate, config.MelFft, sub, config.Mels, FMax: fMax,
                                                          Scale: MelScaleKind.Slaney, Norm: MelNorm.Slaney, Center: false));
        onset = new OnsetStrength(new OnsetStrengthConfig(config.SampleRate, config.MelFft, sub, FMax: fMax));
        fine = new Spectrogram(new StftConfig(config.MelFft, sub, Center: false));
        coarse = new Spectrogram(new StftConfig(config.ChromaFft, config.HopLength, Center: false));
        chroma = new Chroma(new ChromaConfig(config.SampleRate, config.ChromaFft, config.HopLength));
        mean = torch.zeros(config.FrameDim).DetachFromDisposeScope();
        std = torch.ones(config.FrameDim).DetachFromDisposeScope();
    }

    public SemanticFeatureConfig Config { get; }

    /// <summary>Where the statistics live; <see cref="Raw"/> and <see cref="Standardize"/> move their input here.</summary>
    public Device Device => mean.device;

    /// <summary>Frames for <paramref name="samples"/> samples: ⌈S / hop⌉.</summary>
    public long FramesFor(long samples) => (samples + Config.HopLength - 1) / Config.HopLength;

    /// <summary>
    /// Unstandardised frame features of audio (B, S) → (B, T, FrameDim): ln(mel + 1e-6) of the mel power averaged
    /// over the frame's 5 sub-frames (Mels), chroma (12), ln(1 + onset strength) averaged and maximised over the
    /// 5 sub-frames (2). The onset envelope's 3/8-window delay compensation puts a note's flux peak at its onset.
    /// </summary>
    public Tensor Raw(Tensor audio)
    {
        if (audio.dim() != 2) throw new ArgumentException($"audio must be (B, S), got [{string.Join(", ", audio.shape)}]", nameof(audio));
        using var scope = torch.NewDisposeScope();
        long S = audio.size(1), T = FramesFor(S);
        int hop = Config.HopLength, sub = hop / OnsetSubframes, half = hop / 2;
        var x = audio.to(Device, ScalarType.Float32);                                            // (B, S) on the statistics' device

        // Sub-frame j (hop / 5 apart) is centred at sample sub · j − 2 · sub + half, so frame t's middle is sub-frame 5t + 2.
        var left = Config.MelFft / 2 - half + 2 * sub;
        var power = fine.Forward(F.pad(x, new long[] { left, Config.MelFft + hop }));           // (B, F, ≥ 5T)
        power = power.narrow(-1, 0, OnsetSubframes * T);                                         // (B, F, 5T)
        var melPower = mel.FromSpectrogram(power).reshape(audio.size(0), Config.Mels, T, OnsetSubframes);  // (B, Mels, T, 5)
        var logMel = LogMel.Log(melPower.mean(-1));                                                // (B, Mels, T)
        var db = LogMel.PowerToDb(onset.Mel.FromSpectrogram(power), onset.Config.TopDb);        // (B, 64, 5T)
        var flux = onset.FromLogMel(db).log1p().reshape(audio.size(0), T, OnsetSubframes);          // (B, T, 5)

        // Chroma frame t (hop apart, long window) centred on frame t's middle.
        var cleft = Config.ChromaFft / 2 - half;
        var cpower = coarse.Forward(F.pad(x, new long[] { cleft, Config.ChromaFft + hop }));    // (B, F', ≥ T)
        var chromagram = chroma.FromSpectrogram(cpower.narrow(-1, 0, T));                         // (B, 12, T)

        var features = torch.cat(new[]
        {
            logMel.transpose(1, 2),                                                               // (B, T, Mels)
            chromagram.transpose(1, 2),                                                           // (B, T, 12)
            flux.mean(-1, keepdim: true), flux.amax(new long[] { -1 }, keepdim: true),            // (B, T, 1) each
        }, -1);
        return features.contiguous().MoveToOuterDisposeScope();                                   // (B, T, FrameDim)
    }

    /// <summary>(x − mean) / std · weight over the last dim (weights: 1 for mel bands, the config's for chroma and onsets): (..., FrameDim) → (..., FrameDim).</summary>
    public Tensor Standardize(Tensor raw)
    {
        using var scope = torch.NewDisposeScope();
        return ((raw.to(Device) - mean) / std * GroupWeights()).MoveToOuterDisposeScope();
    }

    private Tensor GroupWeights()
    {
        var w = new float[Config.FrameDim];
        for (int i = 0; i < w.Length; i++)
            w[i] = i < Config.Mels ? 1f : i < Config.Mels + 12 ? (float)Config.ChromaWeight : (float)Config.OnsetWeight;
        return torch.tensor(w).to(Device);
    }

    /// <summary>
    /// ±Context frames side by side: (B, T, FrameDim) → (B, T, FrameDim · (2 · Context + 1)), ordered t − k … t + k;
    /// past the ends the standardised value is 0 (the training mean).
    /// </summary>
    public Tensor Stack(Tensor standardized)
    {
        int k = Config.Context;
        if (k == 0) return standardized.alias();
        using var scope = torch.NewDisposeScope();
        long T = standardized.size(1);
        var padded = F.pad(standardized, new long[] { 0, 0, k, k });                               // (B, T + 2k, FrameDim)
        var parts = Enumerable.Range(0, 2 * k + 1).Select(i => padded.narrow(1, i, T)).ToList();
        return torch.cat(parts, -1).MoveToOuterDisposeScope();                                    // (B, T, Dim)
    }

    /// <summary>Standardised, stacked features of audio (B, S) → (B, T, Dim).</summary>
    public Tensor Forward(Tensor audio)
    {
        using var scope = torch.NewDisposeScope();
        return Stack(Standardize(Raw(audio))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fits <c>mean</c> and <c>std</c> on raw frames (each (T, FrameDim) or (1, T, FrameDim)), pooled; a dimension
    /// that never varies (e.g. chroma of silent training data) gets std 1 rather than a division by zero.
    /// </summary>
    public void FitStatistics(IEnumerable<Tensor> raws)
    {
        using var scope = torch.NewDisposeScope();
        var all = torch.cat(raws.Select(r => r.reshape(-1, Config.FrameDim)).ToList(), 0).to(ScalarType.Float64); // (N, FrameDim)
        if (all.size(0) == 0) throw new ArgumentException("no frames to fit the feature statistics on", nameof(raws));
        var m = all.mean(0);
        var s = (all - m).pow(2).mean(0).sqrt();
        s = torch.where(s.gt(1e-6), s, torch.ones_like(s));
        using (torch.no_grad())
        {
            mean.copy_(m.to(ScalarType.Float32));
            std.copy_(s.to(ScalarType.Float32));
        }
    }
}

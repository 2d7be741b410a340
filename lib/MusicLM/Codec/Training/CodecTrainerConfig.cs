using System.Text.Json.Serialization;

namespace MusicLM.Codec.Training;

/// <summary>
/// How <see cref="CodecTrainer"/> trains a codec (EnCodec §3.4 and §4.1). The defaults are the course's, chosen by
/// comparing short runs of the 16 kHz course codec on a 2-core CPU (the README gives what notebook 02's 11-minute run reaches): 1 s segments at the
/// codec's rate, batch 8, Adam with lr 1e-3 and β = (0.9, 0.999), the losses summed with λ_t = 30, λ_f = 1
/// (see <see cref="L1Weight"/>), and 2,000 reconstruction-only steps before the discriminator joins (EnCodec: λ_t = 0.1, λ_f = 1, λ_g = 3, λ_feat = 3, λ_w = 1, β = (0.5, 0.9), adversarial from the start).
/// </summary>
public sealed record CodecTrainerConfig
{
    public int BatchSize { get; init; } = 8;
    /// <summary>Length of the random training segments, in seconds.</summary>
    public double SegmentSeconds { get; init; } = 1.0;
    /// <summary>
    /// The codec's learning rate. A course run at 2e-3 reached a lower training loss but generalised worse: on
    /// notebook 02's held-out clips after 1,150 steps, mel distance 1.22 and SI-SNR 0.4 dB at Q = 8, against 1.11
    /// and 5.1 dB after 1,038 steps at 1e-3. At 3e-3 the codebooks collapsed.
    /// </summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>
    /// Adam's β1, β2. EnCodec's (0.5, 0.9) suit the adversarial game; the course's short reconstruction-first runs
    /// learn faster with Adam's usual (0.9, 0.999).
    /// </summary>
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    /// <summary>AdamW's decoupled weight decay (0 = Adam, EnCodec's choice).</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>
    /// Where the learning rate ends each <see cref="CodecTrainer.Train(IReadOnlyList{MusicLM.Audio.AudioClip}, int?, TimeSpan?, IProgress{CodecTrainingStep}?)"/>
    /// call, as a fraction of <see cref="LearningRate"/>: it falls along a half cosine over the call's steps or time
    /// budget (whichever is nearer its end). 1 keeps it constant. A resumed run starts again from the full rate.
    /// Constant is the course default: in a 1,150-step run of the course codec, a cosine down to 0.1 held the codec
    /// in the plateau its loss shows before step ~900 (held-out mel distance 0.94 and SI-SNR −0.9 dB at Q = 8,
    /// against 0.89 and +3.9 dB for 1,100 steps at the constant rate).
    /// </summary>
    public double FinalLearningRateFraction { get; init; } = 1.0;
    /// <summary>Learning rate of the discriminator (null = <see cref="LearningRate"/>).</summary>
    public double? DiscriminatorLearningRate { get; init; }

    /// <summary>
    /// λ_t, time-domain L1 (EnCodec: 0.1, as a share of the balanced gradient). In a plain sum the log-mel gradient
    /// at the decoder output is orders of magnitude larger than L1's, so with λ_t = 0.1 the codec learnt from the mel
    /// loss alone: the encoder kept a nearly constant latent (frame-to-frame std 0.003), the codebooks collapsed
    /// (perplexity 1–4 of 256) and the reconstruction stayed uncorrelated with the input (SI-SNR −40 to −50 dB)
    /// after 300+ steps. Only the waveform loss sees the phase; λ_t = 30 gives it a comparable pull.
    /// </summary>
    public double L1Weight { get; init; } = 30;
    /// <summary>λ_f, multi-scale mel.</summary>
    public double MelWeight { get; init; } = 1.0;
    /// <summary>λ_g, adversarial (generator hinge).</summary>
    public double AdversarialWeight { get; init; } = 3.0;
    /// <summary>λ_feat, feature matching.</summary>
    public double FeatureWeight { get; init; } = 3.0;
    /// <summary>λ_w, the quantizer's commitment loss (always outside the balancer, as in EnCodec).</summary>
    public double CommitmentWeight { get; init; } = 1.0;
    /// <summary>
    /// Combine the loss gradients with EnCodec's <see cref="LossBalancer"/>, so each λ is a share of the gradient
    /// (else a plain weighted sum, the default). Off by default: in short CPU runs of the course codec the balanced
    /// gradient raised the mel distance over the first dozens of steps (with λ_t = 0.1 or 1), and once a discriminator
    /// joined, 85 % of it from the adversarial losses, the codec diverged (mel distance 1.6 → 2.7–6.4).
    /// </summary>
    public bool UseBalancer { get; init; } = false;
    public double BalancerEmaDecay { get; init; } = 0.999;

    /// <summary>
    /// Steps with reconstruction losses only (L1, mel, commitment) before the discriminator joins; the course's
    /// default keeps a ten-minute workshop run reconstruction-only (set it lower to see the adversarial phase).
    /// </summary>
    public int WarmupSteps { get; init; } = 2000;
    /// <summary>After warm-up, the discriminator is updated every k-th step …</summary>
    public int DiscriminatorEvery { get; init; } = 1;
    /// <summary>… and then with this probability (EnCodec at 24 kHz: 2/3).</summary>
    public double DiscriminatorProbability { get; init; } = 2.0 / 3.0;
    public DiscriminatorConfig Discriminator { get; init; } = DiscriminatorConfig.Course;
    /// <summary>Multi-scale mel windows 2^MelMinLog2 … 2^MelMaxLog2 (null: EnCodec's 2^11 at 24 kHz scaled to the codec's rate).</summary>
    public int MelMinLog2 { get; init; } = 5;
    public int? MelMaxLog2 { get; init; }
    /// <summary>
    /// Mel bands of the mel loss's largest windows (a window of n samples gets at most n / 4). EnCodec: 64. More bands
    /// resolve the gaps between a tone's harmonics, so noise there costs more — but with 256 the course codec
    /// learnt clearly worse in a 1,100-step run (held-out 64-band mel distance 1.09 against 0.89).
    /// </summary>
    public int MelBands { get; init; } = 64;

    /// <summary>Decay of the moving average of the codec's weights (null = none kept).</summary>
    public double? WeightEmaDecay { get; init; }
    /// <summary>Saves a checkpoint every N steps (and at the end) when <see cref="CheckpointPath"/> is set; 0 = only at the end.</summary>
    public int CheckpointEvery { get; init; } = 200;
    /// <summary>Where checkpoints go (e.g. <c>codec.safetensors</c>; see <see cref="CodecTrainer.SaveCheckpoint"/>).</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Writes a CSV row (and a progress/curve point) every N steps.</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>The CSV log; null = <c>CheckpointPath</c> with <c>.log.csv</c>, or none without a checkpoint path.</summary>
    public string? LogPath { get; init; }
    /// <summary>Seed of every random choice in training (segments, discriminator updates, quantizer dropout, k-means).</summary>
    public int Seed { get; init; } = 0;
    /// <summary>Show a progress bar and a live loss curve (in a notebook; console text elsewhere).</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>The CSV log actually written, if any.</summary>
    [JsonIgnore] public string? EffectiveLogPath => LogPath ?? (CheckpointPath is null ? null : Path.ChangeExtension(CheckpointPath, ".log.csv"));

    /// <summary>A very small configuration for tests and quick checks.</summary>
    public static CodecTrainerConfig Quick => new()
    {
        BatchSize = 2, SegmentSeconds = 0.25, WarmupSteps = 2, DiscriminatorProbability = 1, LogEvery = 1, ShowProgress = false,
    };

    internal void Validate(int sampleRate)
    {
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, got {BatchSize}");
        if (SegmentSeconds <= 0) throw new ArgumentException($"SegmentSeconds must be positive, got {SegmentSeconds}");
        if (LearningRate <= 0) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}");
        if (FinalLearningRateFraction is < 0 or > 1) throw new ArgumentException($"FinalLearningRateFraction must be in [0, 1], got {FinalLearningRateFraction}");
        if (WarmupSteps < 0) throw new ArgumentException($"WarmupSteps must be ≥ 0, got {WarmupSteps}");
        if (DiscriminatorEvery < 1) throw new ArgumentException($"DiscriminatorEvery must be at least 1, got {DiscriminatorEvery}");
        if (DiscriminatorProbability is < 0 or > 1) throw new ArgumentException($"DiscriminatorProbability must be in [0, 1], got {DiscriminatorProbability}");
        if (MelBands < 1) throw new ArgumentException($"MelBands must be at least 1, got {MelBands}");
        if (LogEvery < 1 || CheckpointEvery < 0) throw new ArgumentException("LogEvery must be ≥ 1 and CheckpointEvery ≥ 0");
        var samples = (int)Math.Round(SegmentSeconds * sampleRate);
        if (samples < Discriminator.MinSamples)
            throw new ArgumentException($"segments of {SegmentSeconds} s ({samples} samples) are shorter than the discriminator's longest FFT ({Discriminator.MinSamples})");
        Discriminator.Validate();
    }
}

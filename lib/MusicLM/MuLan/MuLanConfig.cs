using System.Text.Json.Serialization;
using MusicLM.Audio.Dsp;

namespace MusicLM.MuLan;

/// <summary>
/// MuLan (Huang et al. 2022, arXiv 2208.12415): an audio tower and a text tower projected into one L2-normalised
/// space of <see cref="EmbeddingDim"/> dimensions (128 in MuLan and MusicLM), trained contrastively; MusicLM
/// quantizes the embedding into conditioning tokens (§3.1: RVQ 12 × 1024). The audio tower reads log-mel frames
/// computed by <see cref="Features"/>.
/// </summary>
public sealed record MuLanConfig
{
    /// <summary>Audio is resampled to this rate before its features are computed.</summary>
    public int SampleRate { get; init; } = 16000;
    /// <summary>Mel bands of the log-mel input.</summary>
    public int MelBands { get; init; } = 64;
    public int NFft { get; init; } = 1024;
    /// <summary>Samples between log-mel frames (320 at 16 kHz: 50 frames/s, the codec's frame rate).</summary>
    public int HopLength { get; init; } = 320;
    /// <summary>
    /// Adds a 12-bin chromagram (librosa's chroma_stft with a 4,096-point window, same hop) under the log-mel
    /// bands: mode and key live in pitch classes, which 64 mel bands blur at low frequencies. In two 7-minute runs
    /// (319 steps each, 200 validation clips) it raised attribute-consistent precision@1 from 52 % to 57 % and
    /// zero-shot style from 81 % to 92 % (lead instrument 75 % → 69 %, mode at chance in both).
    /// </summary>
    public bool Chroma { get; init; } = true;
    public AudioTowerConfig Audio { get; init; } = new();
    public TextTowerConfig Text { get; init; } = new();
    /// <summary>Dimensions of the joint space.</summary>
    public int EmbeddingDim { get; init; } = 128;
    /// <summary>CLIP's starting temperature τ = 0.07 (logit scale 1/τ, learnt as its logarithm).</summary>
    public double InitialTemperature { get; init; } = 0.07;
    /// <summary>CLIP clamps the logit scale at 100 (τ ≥ 0.01) so training stays stable.</summary>
    public double MaxLogitScale { get; init; } = 100;
    public ConditioningQuantizerConfig Quantizer { get; init; } = new();

    /// <summary>Rows of the feature matrix the audio tower reads: mel bands, then 12 chroma bins when <see cref="Chroma"/>.</summary>
    [JsonIgnore] public int FeatureChannels => MelBands + (Chroma ? ChromaBins : 0);
    public const int ChromaBins = 12;
    /// <summary>The chroma's window: long, so low notes are a semitone apart in bins.</summary>
    [JsonIgnore] public ChromaConfig ChromaFeatures => new(SampleRate, 4096, HopLength);

    /// <summary>Log-mel frames per second.</summary>
    [JsonIgnore] public double FrameRate => (double)SampleRate / HopLength;
    /// <summary>The log-mel spectrogram the audio tower reads (HTK mel, power 2, centred frames).</summary>
    [JsonIgnore] public MelSpectrogramConfig Features => new(SampleRate, NFft, HopLength, MelBands);

    /// <summary>
    /// The course MuLan: 16 kHz log-mel at 50 frames/s into a small convolutional tower, a 2-layer text
    /// transformer, a 128-d joint space (as the paper), conditioning tokens from a residual quantizer of
    /// 12 levels × 64 codes (see <see cref="ConditioningQuantizerConfig.Course"/>). <paramref name="vocabSize"/>
    /// and <paramref name="maxLength"/> come from the caption tokenizer.
    /// </summary>
    public static MuLanConfig Course(int vocabSize, int maxLength = 64) => new()
    {
        Audio = AudioTowerConfig.Course,
        Text = TextTowerConfig.Course with { VocabSize = vocabSize, MaxLength = maxLength },
        Quantizer = ConditioningQuantizerConfig.Course,
    };

    /// <summary>A very small model for tests (seconds to train).</summary>
    public static MuLanConfig Tiny(int vocabSize, int maxLength = 32) => new()
    {
        MelBands = 32, NFft = 512, Chroma = false,
        Audio = new AudioTowerConfig { Channels = 32, Stages = 2, TransformerLayers = 0 },
        Text = new TextTowerConfig { Width = 32, Layers = 1, Heads = 2, VocabSize = vocabSize, MaxLength = maxLength },
        EmbeddingDim = 16,
        Quantizer = new ConditioningQuantizerConfig { Levels = 4, CodebookSize = 8 },
    };

    internal void Validate()
    {
        if (SampleRate < 1000) throw new ArgumentException($"SampleRate must be at least 1000 Hz, got {SampleRate}");
        if (MelBands < 1 || NFft < 2 || HopLength < 1) throw new ArgumentException($"MelBands, NFft and HopLength must be positive, got {MelBands}, {NFft}, {HopLength}");
        if (EmbeddingDim < 1) throw new ArgumentException($"EmbeddingDim must be positive, got {EmbeddingDim}");
        if (!(InitialTemperature > 0) || !(MaxLogitScale > 1)) throw new ArgumentException("InitialTemperature must be positive and MaxLogitScale above 1");
        Audio.Validate();
        Text.Validate();
        Quantizer.Validate();
    }
}

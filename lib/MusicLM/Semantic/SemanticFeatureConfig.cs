using System.Text.Json.Serialization;

namespace MusicLM.Semantic;

/// <summary>
/// The cheap frame features of HuBERT-style iteration 0 (Hsu et al. 2021 §III-A started from MFCCs; MERT found
/// MFCCs weak for music, so the course takes log-mel + chroma + onset strength): one frame per
/// <see cref="HopLength"/> samples at <see cref="SampleRate"/> (640 at 16 kHz = 25 Hz, MusicLM's semantic rate),
/// frame t covering samples [t · hop, (t + 1) · hop) and centred on its middle, each frame standardised with statistics fitted on the training frames, then ±<see cref="Context"/> frames stacked.
/// Per frame: <see cref="Mels"/> log-mel bands, 12 chroma classes, and 2 onset values (mean and peak of the
/// spectral flux over the frame's hop), so <see cref="FrameDim"/> = Mels + 14 and <see cref="Dim"/> = FrameDim · (2 · Context + 1).
/// </summary>
public sealed record SemanticFeatureConfig
{
    public int SampleRate { get; init; } = 16000;
    /// <summary>Samples per frame: 640 at 16 kHz gives 25 frames per second.</summary>
    public int HopLength { get; init; } = 640;
    /// <summary>FFT size of the mel spectrogram (1024 at 16 kHz: a 64 ms window over the 40 ms hop).</summary>
    public int MelFft { get; init; } = 1024;
    public int Mels { get; init; } = 64;
    /// <summary>FFT size of the chroma: 4096 at 16 kHz (256 ms) puts low notes a semitone apart in bins.</summary>
    public int ChromaFft { get; init; } = 4096;
    /// <summary>
    /// Scale of the standardised chroma and onset values relative to the log-mel bands: k-means measures Euclidean
    /// distance, so with unit weights the 64 mel bands would outvote 12 chroma classes and 2 onset values.
    /// </summary>
    public double ChromaWeight { get; init; } = 1;
    public double OnsetWeight { get; init; } = 1;
    /// <summary>Frames stacked on each side of a frame (HuBERT's MFCC features carried deltas; stacking gives the same local context).</summary>
    public int Context { get; init; } = 1;

    /// <summary>Frames per second.</summary>
    [JsonIgnore] public double FrameRate => (double)SampleRate / HopLength;
    /// <summary>Values per frame before stacking: log-mel bands, 12 chroma classes, onset mean and peak.</summary>
    [JsonIgnore] public int FrameDim => Mels + 12 + 2;
    /// <summary>Values per frame after stacking ±<see cref="Context"/> frames.</summary>
    [JsonIgnore] public int Dim => FrameDim * (2 * Context + 1);

    internal void Validate()
    {
        if (SampleRate < 1) throw new ArgumentException($"SampleRate must be positive, got {SampleRate}");
        if (HopLength < 10 || HopLength % 10 != 0) throw new ArgumentException($"HopLength must be a positive multiple of 10 (the onset envelope runs at 5 sub-frames per frame, centred on the frame), got {HopLength}");
        if (MelFft < HopLength) throw new ArgumentException($"MelFft ({MelFft}) must cover the hop ({HopLength})");
        if (ChromaFft < HopLength) throw new ArgumentException($"ChromaFft ({ChromaFft}) must cover the hop ({HopLength})");
        if (Mels < 1) throw new ArgumentException($"Mels must be positive, got {Mels}");
        if (!(ChromaWeight >= 0) || !(OnsetWeight >= 0)) throw new ArgumentException($"ChromaWeight and OnsetWeight must be ≥ 0, got {ChromaWeight}, {OnsetWeight}");
        if (Context < 0) throw new ArgumentException($"Context must be ≥ 0, got {Context}");
    }
}

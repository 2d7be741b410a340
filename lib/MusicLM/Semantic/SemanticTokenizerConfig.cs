using System.Text.Json.Serialization;
using MusicLM.Torch;

namespace MusicLM.Semantic;

/// <summary>
/// What <see cref="SemanticTokenizer.Fit"/> builds: frame features (<see cref="Features"/>), K =
/// <see cref="Clusters"/> k-means clusters for iteration 0 and again for iteration 1 (MusicLM: 1,024 clusters of
/// w2v-BERT layer 7 at 25 Hz; the course's K is chosen by measurement), and whether to run HuBERT's iteration 1
/// (<see cref="Iterations"/> = 1: masked prediction of the iteration-0 clusters, then k-means on a middle layer).
/// Saved as the checkpoint's JSON config; there <see cref="Iterations"/> is the iteration actually fitted.
/// </summary>
public sealed record SemanticTokenizerConfig
{
    public SemanticFeatureConfig Features { get; init; } = new();
    /// <summary>K, the vocabulary size of both iterations.</summary>
    public int Clusters { get; init; } = 256;
    /// <summary>0: cheap features + k-means only; 1: also HuBERT's iteration 1.</summary>
    public int Iterations { get; init; } = 1;
    /// <summary>Lloyd iterations, k-means++ subsample, tolerance (its Clusters and Seed are taken from this config).</summary>
    public KMeansConfig KMeans { get; init; } = new();
    public MaskedPredictionConfig MaskedPrediction { get; init; } = new();
    /// <summary>Seed of every random choice: k-means seeding, the transformer's initial weights, crops and masks.</summary>
    public int Seed { get; init; }
    /// <summary>
    /// Where <see cref="SemanticTokenizer.Fit"/> computes features, clusters and trains (null: the CPU). Random choices
    /// are drawn as on the CPU, so only floating-point rounding differs. Not saved: a checkpoint loads on the CPU.
    /// </summary>
    [JsonIgnore] public Device? Device { get; init; }

    [JsonIgnore] public double FrameRate => Features.FrameRate;
    [JsonIgnore] public int SampleRate => Features.SampleRate;

    /// <summary>A configuration for tests and CI: 32 clusters, a 2-layer width-32 transformer trained 30 steps.</summary>
    public static SemanticTokenizerConfig Quick => new()
    {
        Clusters = 32,
        KMeans = new KMeansConfig { MaxIterations = 15, InitSamples = 2048 },
        MaskedPrediction = new MaskedPredictionConfig { Width = 32, Layers = 2, Heads = 2, PositionKernel = 9, PositionGroups = 4, Steps = 30, BatchSize = 4, CropFrames = 50, WarmupSteps = 5 },
    };

    internal KMeansConfig KMeansFor(int iteration) => KMeans with { Clusters = Clusters, Seed = Seed * 2 + iteration };

    internal void Validate()
    {
        Features.Validate();
        if (Clusters < 2) throw new ArgumentException($"Clusters must be at least 2, got {Clusters}");
        if (Iterations is not (0 or 1)) throw new ArgumentException($"Iterations must be 0 or 1, got {Iterations}");
        KMeansFor(0).Validate();
        MaskedPrediction.Validate();
    }
}

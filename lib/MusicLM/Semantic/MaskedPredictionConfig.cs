using System.Text.Json.Serialization;

namespace MusicLM.Semantic;

/// <summary>
/// HuBERT iteration 1 (Hsu et al. 2021): a small bidirectional transformer over the standardised frame features
/// that predicts the iteration-0 cluster of masked frames, and how it is trained. HuBERT Base is 12 layers of width
/// 768 trained for 400k steps on 960 h; the course's default is sized by measurement for a few CPU minutes
/// (lib/MusicLM/Semantic/README.md). <see cref="ClusterLayer"/> (null: the middle, Layers / 2) is the block whose
/// output is re-clustered into the final vocabulary — HuBERT took a middle layer (layer 6 of 12) too.
/// </summary>
public sealed record MaskedPredictionConfig
{
    public int Width { get; init; } = 128;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    /// <summary>Hidden size of the feed-forward as a multiple of the width.</summary>
    public int MlpRatio { get; init; } = 4;
    /// <summary>Kernel of the convolutional position embedding (wav2vec 2.0 §4.2 used 128 frames at 50 Hz; odd, in frames).</summary>
    public int PositionKernel { get; init; } = 31;
    public int PositionGroups { get; init; } = 16;
    public int? ClusterLayer { get; init; }
    public SpanMask Mask { get; init; } = new();

    /// <summary>Training steps (a time budget may stop earlier).</summary>
    public int Steps { get; init; } = 300;
    public int BatchSize { get; init; } = 8;
    /// <summary>Frames per training crop (125 = 5 s at 25 Hz).</summary>
    public int CropFrames { get; init; } = 125;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Linear warm-up steps; then a half cosine to <see cref="FinalLearningRateFraction"/> of the rate by the last step (or the end of the budget).</summary>
    public int WarmupSteps { get; init; } = 40;
    public double FinalLearningRateFraction { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;
    public double GradientClip { get; init; } = 1.0;

    /// <summary>The block whose output is clustered (1-based: after that many blocks).</summary>
    [JsonIgnore] public int EffectiveClusterLayer => ClusterLayer ?? Math.Max(1, Layers / 2);

    internal void Validate()
    {
        if (Width < 1 || Layers < 1 || Heads < 1 || MlpRatio < 1) throw new ArgumentException($"Width, Layers, Heads and MlpRatio must be positive, got {Width}, {Layers}, {Heads}, {MlpRatio}");
        if (Width % Heads != 0) throw new ArgumentException($"Width ({Width}) must be divisible by Heads ({Heads})");
        if (PositionKernel < 1 || PositionKernel % 2 == 0) throw new ArgumentException($"PositionKernel must be odd and positive, got {PositionKernel}");
        if (PositionGroups < 1 || Width % PositionGroups != 0) throw new ArgumentException($"Width ({Width}) must be divisible by PositionGroups ({PositionGroups})");
        if (EffectiveClusterLayer < 1 || EffectiveClusterLayer > Layers) throw new ArgumentException($"ClusterLayer must be between 1 and Layers ({Layers}), got {ClusterLayer}");
        Mask.Validate();
        if (Steps < 0) throw new ArgumentException($"Steps must be ≥ 0, got {Steps}");
        if (BatchSize < 1 || CropFrames < 1) throw new ArgumentException($"BatchSize and CropFrames must be positive, got {BatchSize}, {CropFrames}");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}");
        if (WarmupSteps < 0) throw new ArgumentException($"WarmupSteps must be ≥ 0, got {WarmupSteps}");
        if (FinalLearningRateFraction is < 0 or > 1) throw new ArgumentException($"FinalLearningRateFraction must be in [0, 1], got {FinalLearningRateFraction}");
        if (WeightDecay < 0 || !(GradientClip > 0)) throw new ArgumentException($"WeightDecay must be ≥ 0 and GradientClip positive, got {WeightDecay}, {GradientClip}");
    }
}

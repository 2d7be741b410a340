namespace MusicLM.Semantic;

/// <summary>
/// Settings of <see cref="KMeans.Fit"/>: K clusters, k-means++ seeding on a subsample of <see cref="InitSamples"/>
/// points with <see cref="LocalTrials"/> candidates per centre (the greedy variant scikit-learn uses; null: 2 + ln K),
/// then at most <see cref="MaxIterations"/> Lloyd iterations, stopping when the inertia improves by less than
/// <see cref="Tolerance"/> (relative). Distances are computed <see cref="ChunkElements"/> at a time (rows · K), so
/// memory stays bounded whatever N is.
/// </summary>
public sealed record KMeansConfig
{
    public int Clusters { get; init; } = 256;
    public int MaxIterations { get; init; } = 30;
    public double Tolerance { get; init; } = 1e-4;
    public int InitSamples { get; init; } = 16384;
    public int? LocalTrials { get; init; }
    public long ChunkElements { get; init; } = 1L << 22;
    public int Seed { get; init; }

    internal void Validate()
    {
        if (Clusters < 1) throw new ArgumentException($"Clusters must be at least 1, got {Clusters}");
        if (MaxIterations < 0) throw new ArgumentException($"MaxIterations must be ≥ 0, got {MaxIterations}");
        if (!(Tolerance >= 0)) throw new ArgumentException($"Tolerance must be ≥ 0, got {Tolerance}");
        if (InitSamples < 1) throw new ArgumentException($"InitSamples must be positive, got {InitSamples}");
        if (LocalTrials is < 1) throw new ArgumentException($"LocalTrials must be positive, got {LocalTrials}");
        if (ChunkElements < 1) throw new ArgumentException($"ChunkElements must be positive, got {ChunkElements}");
    }
}

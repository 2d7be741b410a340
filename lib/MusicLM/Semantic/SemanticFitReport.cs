namespace MusicLM.Semantic;

/// <summary>
/// What one <see cref="SemanticTokenizer.Fit"/> did: the iteration reached, the frames it clustered, the k-means
/// inertia (per frame) of each Lloyd iteration of both clusterings, every masked-prediction step, the time of each
/// stage, and why it stopped where it did ("done", or "budget" when the time budget left out iteration 1 or cut its
/// training short).
/// </summary>
public sealed record SemanticFitReport(
    int Iteration,
    int Clips,
    long Frames,
    IReadOnlyList<double> Iteration0Inertia,
    IReadOnlyList<MaskedPredictionStep> Training,
    IReadOnlyList<double> Iteration1Inertia,
    IReadOnlyDictionary<SemanticFitStage, TimeSpan> StageTimes,
    TimeSpan Elapsed,
    string StoppedBy);

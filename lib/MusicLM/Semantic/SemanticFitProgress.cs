namespace MusicLM.Semantic;

/// <summary>
/// Where <see cref="SemanticTokenizer.Fit"/> is: the stage, the step within it (clips for features, Lloyd
/// iterations for clustering, training steps for masked prediction) out of <see cref="Total"/> (null when a budget
/// decides), the stage's figure (inertia per frame, or the masked loss in nats) and the time since the fit began.
/// </summary>
public sealed record SemanticFitProgress(SemanticFitStage Stage, int Step, int? Total, double Value, TimeSpan Elapsed);

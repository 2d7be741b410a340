namespace MusicLM.Stages;

/// <summary>Cross-entropy (nats per target token) and next-token accuracy of the unigram and bigram baselines.</summary>
public sealed record BaselineScores(double UnigramLoss, double UnigramAccuracy, double BigramLoss, double BigramAccuracy);

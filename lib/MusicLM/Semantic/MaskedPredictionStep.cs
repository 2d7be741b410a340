namespace MusicLM.Semantic;

/// <summary>One step of masked prediction: cross-entropy on the masked frames (nats), the fraction of masked frames whose cluster was predicted (top-1), the fraction of frames masked, and the learning rate.</summary>
public sealed record MaskedPredictionStep(int Step, TimeSpan Elapsed, double Loss, double Accuracy, double MaskedFraction, double LearningRate);

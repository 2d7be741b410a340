namespace MusicLM.Audio.Analysis;

/// <summary>
/// A tempo estimate: beats per minute, a confidence in [0, 1] (the share of the winning candidate in a
/// softmax over the candidates' scores) and the candidates considered, best first.
/// </summary>
public sealed record TempoEstimate(double Bpm, double Confidence, IReadOnlyList<TempoCandidate> Candidates)
{
    public override string ToString() => $"{Bpm:F1} BPM (confidence {Confidence:P0})";
}

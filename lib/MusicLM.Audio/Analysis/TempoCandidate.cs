namespace MusicLM.Audio.Analysis;

/// <summary>One metrical level considered by <see cref="TempoEstimator"/>: its tempo and its score (higher is better).</summary>
public sealed record TempoCandidate(double Bpm, double Score, IReadOnlyList<double> Cues);

namespace MusicLM.Audio.Analysis;

/// <summary>
/// The outcome for one clip. <see cref="TempoError"/>: "ok" (within the tolerance), "double", "half"
/// (the octave errors), "triple", "third" or "other". <see cref="KeyError"/>: "ok", "relative"
/// (C major ↔ A minor), "parallel" (C major ↔ C minor), "fifth" (same mode, tonic a fifth away) or "other".
/// </summary>
public sealed record AnalysisRow(
    string Name,
    double TrueBpm, double EstimatedBpm, double TempoConfidence, string TempoError,
    string TrueKey, string EstimatedKey, double KeyCorrelation, string KeyError)
{
    public bool TempoCorrect => TempoError == "ok";
    public bool TempoOctaveError => TempoError is "double" or "half";
    public bool KeyCorrect => KeyError == "ok";
}

namespace MusicLM.Audio.Analysis;

/// <summary>
/// A key estimate: the best of the 24 keys, the runner-up, every key's correlation (best first) and
/// the 12-bin chroma profile (index 0 = C) the keys were matched against.
/// </summary>
public sealed record KeyEstimate(KeyCandidate Best, KeyCandidate RunnerUp, IReadOnlyList<KeyCandidate> Candidates, IReadOnlyList<double> Profile)
{
    /// <summary>Tonic pitch class 0–11 (0 = C).</summary>
    public int Tonic => Best.Tonic;
    /// <summary>Tonic name, e.g. "D" or "F#".</summary>
    public string TonicName => Best.TonicName;
    public KeyMode Mode => Best.Mode;
    public double Correlation => Best.Correlation;
    public string Name => Best.Name;

    public override string ToString() => $"{Best} (runner-up {RunnerUp})";
}

using System.Text;

namespace MusicLM.Audio.Analysis;

/// <summary>
/// Accuracy of <see cref="TempoEstimator"/> and <see cref="KeyEstimator"/> over a set of clips: the
/// share with tempo within the tolerance, the share off by an octave (×2 or ×½ within the tolerance),
/// the share with key and mode right, the counts of each error kind, and one row per clip.
/// </summary>
public sealed record AnalysisReport(
    int Count,
    double TempoTolerance,
    double TempoAccuracy,
    double TempoOctaveErrorRate,
    double KeyAccuracy,
    IReadOnlyDictionary<string, int> TempoErrors,
    IReadOnlyDictionary<string, int> KeyErrors,
    IReadOnlyList<AnalysisRow> Rows)
{
    /// <summary>A short markdown summary: the three rates and the error counts.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| clips | tempo within {TempoTolerance:P0} | tempo octave errors | key and mode |");
        sb.AppendLine("|---|---|---|---|");
        sb.AppendLine($"| {Count} | {TempoAccuracy:P1} | {TempoOctaveErrorRate:P1} | {KeyAccuracy:P1} |");
        sb.AppendLine();
        sb.AppendLine("tempo: " + string.Join(", ", TempoErrors.Select(kv => $"{kv.Key} {kv.Value}")));
        sb.AppendLine("key: " + string.Join(", ", KeyErrors.Select(kv => $"{kv.Key} {kv.Value}")));
        return sb.ToString();
    }

    public override string ToString() => Summary();
}

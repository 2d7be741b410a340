using System.Text.Json;

namespace MusicLM.Audio.Analysis;

/// <summary>
/// Measures the tempo and key estimators against ground truth: a list of <see cref="AnalysisItem"/>s,
/// or a dataset manifest (JSONL, one clip per line with <c>audio</c> (path relative to the manifest),
/// <c>tempo_bpm</c>, <c>key</c> (e.g. "F#"), <c>mode</c> ("major"/"minor") and <c>split</c>).
/// </summary>
public static class AnalysisEvaluation
{
    /// <summary>Relative tempo tolerance: an estimate within 4 % of the truth counts as right (the MIREX convention).</summary>
    public const double TempoTolerance = 0.04;

    public static AnalysisReport Run(IEnumerable<AnalysisItem> items) => Report(items.Select(Evaluate).ToList());

    /// <summary>
    /// Evaluates every clip of <paramref name="split"/> in a dataset manifest (null: every split).
    /// <paramref name="progress"/>, if given, is called before each clip with (clips done, clips, the clip's
    /// audio path) and once at the end with (clips, clips, null).
    /// </summary>
    public static AnalysisReport RunOnManifest(string manifestPath, string? split = "test", Action<int, int, string?>? progress = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var clips = new List<(string Audio, double Bpm, string Key, KeyMode Mode)>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(manifestPath))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            if (split != null && r.TryGetProperty("split", out var s) && s.GetString() != split) continue;
            string audio = Required(r, "audio", lineNo).GetString()!;
            double bpm = Required(r, "tempo_bpm", lineNo).GetDouble();
            string key = Required(r, "key", lineNo).GetString()!;
            var mode = Required(r, "mode", lineNo).GetString()!.Trim().ToLowerInvariant() == "minor" ? KeyMode.Minor : KeyMode.Major;
            clips.Add((audio, bpm, key, mode));
        }
        var rows = new List<AnalysisRow>(clips.Count);
        for (var i = 0; i < clips.Count; i++)
        {
            var (audio, bpm, key, mode) = clips[i];
            progress?.Invoke(i, clips.Count, audio);
            rows.Add(Evaluate(new AnalysisItem(audio, LoadClip(Path.Combine(dir, audio)), bpm, key, mode)));
        }
        progress?.Invoke(clips.Count, clips.Count, null);
        return Report(rows);
    }

    /// <summary>Runs both estimators on one clip and classifies their errors.</summary>
    public static AnalysisRow Evaluate(AnalysisItem item)
    {
        int tonic = KeyCandidate.PitchClassOf(item.Key);
        if (tonic < 0) throw new ArgumentException($"'{item.Key}' is not a pitch name (clip {item.Name})", nameof(item));
        var tempo = TempoEstimator.Estimate(item.Clip);
        var key = KeyEstimator.Estimate(item.Clip);
        var truth = new KeyCandidate(tonic, item.Mode, 1);
        return new AnalysisRow(item.Name, item.TempoBpm, tempo.Bpm, tempo.Confidence, TempoError(item.TempoBpm, tempo.Bpm),
                               truth.Name, key.Name, key.Correlation, KeyError(truth, key.Best));
    }

    /// <summary>"ok", "double", "half", "triple", "third" or "other".</summary>
    public static string TempoError(double truth, double estimate)
    {
        bool Near(double target) => Math.Abs(estimate - target) <= TempoTolerance * target;
        if (Near(truth)) return "ok";
        if (Near(2 * truth)) return "double";
        if (Near(truth / 2)) return "half";
        if (Near(3 * truth)) return "triple";
        if (Near(truth / 3)) return "third";
        return "other";
    }

    /// <summary>"ok", "relative", "parallel", "fifth" or "other".</summary>
    public static string KeyError(KeyCandidate truth, KeyCandidate estimate)
    {
        if (truth.Tonic == estimate.Tonic && truth.Mode == estimate.Mode) return "ok";
        if (truth.Tonic == estimate.Tonic) return "parallel";
        if (truth.Mode != estimate.Mode)
        {
            var major = truth.Mode == KeyMode.Major ? truth : estimate;
            var minor = truth.Mode == KeyMode.Major ? estimate : truth;
            if ((major.Tonic + 9) % 12 == minor.Tonic) return "relative";
            return "other";
        }
        int d = ((estimate.Tonic - truth.Tonic) % 12 + 12) % 12;
        return d is 5 or 7 ? "fifth" : "other";
    }

    private static AnalysisReport Report(List<AnalysisRow> rows)
    {
        int n = rows.Count;
        double Rate(Func<AnalysisRow, bool> f) => n == 0 ? 0 : (double)rows.Count(f) / n;
        var tempoErrors = rows.GroupBy(r => r.TempoError).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
        var keyErrors = rows.GroupBy(r => r.KeyError).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());
        return new AnalysisReport(n, TempoTolerance, Rate(r => r.TempoCorrect), Rate(r => r.TempoOctaveError), Rate(r => r.KeyCorrect),
                                  tempoErrors, keyErrors, rows);
    }

    private static JsonElement Required(JsonElement r, string name, int line) =>
        r.TryGetProperty(name, out var v) ? v : throw new FormatException($"manifest line {line} has no \"{name}\"");

    /// <summary>
    /// The one place clips are read from disk.
    /// </summary>
    private static AudioClip LoadClip(string path) => WavFile.Read(path);
}

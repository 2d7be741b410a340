using MusicLM.Audio.Synthesis;
using MusicLM.Torch;

namespace MusicLM.MuLan;

/// <summary>
/// Zero-shot classification (CLIP §3.1.4): each class is the mean of its prompts' text embeddings
/// ("a jazz track", "jazz music", …), and a clip gets the class nearest its audio embedding.
/// </summary>
/// <param name="Task">"style" (9 classes), "instrument" (the lead, 8 pitched instruments), "mode" (2), "tempo" (slow/moderate/fast).</param>
/// <param name="Accuracy">Share of clips classified correctly.</param>
/// <param name="Chance">1 / classes.</param>
/// <param name="Classes">The class names.</param>
public sealed record ZeroShotResult(string Task, double Accuracy, double Chance, IReadOnlyList<string> Classes)
{
    private static readonly Dictionary<string, string> StyleWords = new()
    {
        ["ambient"] = "ambient", ["lofi"] = "lo-fi", ["techno"] = "techno", ["rock"] = "rock", ["waltz"] = "waltz",
        ["march"] = "march", ["jazz"] = "jazz", ["ballad"] = "ballad", ["folk"] = "folk",
    };

    private static readonly Dictionary<string, string> InstrumentWords = new()
    {
        ["piano"] = "piano", ["guitar"] = "guitar", ["organ"] = "organ", ["strings"] = "strings", ["bass"] = "bass",
        ["bells"] = "bells", ["synth_lead"] = "a synth lead", ["flute"] = "flute",
    };

    private static readonly Dictionary<string, string[]> TempoWords = new()
    {
        ["slow"] = ["slow", "unhurried"], ["moderate"] = ["mid-tempo", "moderately paced"], ["fast"] = ["fast", "up-tempo"],
    };

    /// <summary>The prompts of every class of a task.</summary>
    public static IReadOnlyDictionary<string, string[]> Prompts(string task) => task switch
    {
        "style" => StyleWords.ToDictionary(kv => kv.Key, kv => new[] { $"a {kv.Value} track", $"{kv.Value} music", $"a {kv.Value} piece" }),
        "instrument" => InstrumentWords.ToDictionary(kv => kv.Key, kv => new[] { $"a track with {kv.Value}", $"music featuring {kv.Value}", $"{Cap(kv.Value)} melody" }),
        "mode" => new[] { "major", "minor" }.ToDictionary(m => m, m => MusicTheory.PitchClassNames.Select(k => $"a piece in {k} {m}").ToArray()),
        "tempo" => TempoWords.ToDictionary(kv => kv.Key, kv => kv.Value.SelectMany(w => new[] { $"a {w} track", $"{Cap(w)} music" }).ToArray()),
        _ => throw new ArgumentException($"unknown zero-shot task '{task}' (style, instrument, mode, tempo)", nameof(task)),
    };

    /// <summary>The true class of a clip for a task.</summary>
    public static string Truth(string task, ClipAttributes a) => task switch
    {
        "style" => a.Style,
        "instrument" => a.Instruments[0],
        "mode" => a.Mode,
        "tempo" => ClipSpec.TempoClass(a.TempoBpm),
        _ => throw new ArgumentException($"unknown zero-shot task '{task}'", nameof(task)),
    };

    /// <summary>Classifies audio embeddings (N, E) for one task: the index of the nearest class per clip, and the class names.</summary>
    public static (int[] Predicted, IReadOnlyList<string> Classes) Classify(MuLanModel model, Tensor audio, string task)
    {
        var prompts = Prompts(task);
        var classes = prompts.Keys.ToList();
        using var scope = torch.NewDisposeScope();
        var centres = torch.stack(classes.Select(c =>
        {
            var e = model.EmbedText(prompts[c]).mean(0);                       // (E)
            return e / e.norm();
        }).ToList(), 0);                                                        // (C, E)
        var predicted = audio.to(model.Device).matmul(centres.t()).argmax(1).ToArray<long>();   // (N)
        return (predicted.Select(p => (int)p).ToArray(), classes);
    }

    /// <summary>All four tasks on audio embeddings (N, E) of clips with attributes.</summary>
    public static IReadOnlyList<ZeroShotResult> All(MuLanModel model, Tensor audio, IReadOnlyList<ClipAttributes> attributes) =>
        new[] { "style", "instrument", "mode", "tempo" }.Select(task =>
        {
            var (pred, classes) = Classify(model, audio, task);
            var correct = attributes.Select((a, i) => classes[pred[i]] == Truth(task, a)).Count(x => x);
            return new ZeroShotResult(task, correct / (double)attributes.Count, 1.0 / classes.Count, classes);
        }).ToList();

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}

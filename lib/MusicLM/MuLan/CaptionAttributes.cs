using System.Text.RegularExpressions;
using MusicLM.Audio.Synthesis;

namespace MusicLM.MuLan;

/// <summary>
/// The attributes a caption names, read back from its words with the synthetic dataset's vocabularies
/// (<see cref="CaptionWriter"/>'s instrument, style and tempo phrases; moods from <see cref="ClipSpec.TempoModeMoods"/>
/// and <see cref="MusicStyle.All"/>). A named BPM counts as its tempo class (slow &lt; 80 ≤ moderate &lt; 120 ≤ fast),
/// as the captions' tempo words do. Used to score retrieval by whether the retrieved clip has everything the
/// query asks for, and to keep attribute-consistent pairs out of a contrastive batch's negatives.
/// </summary>
public sealed record CaptionAttributes(
    IReadOnlySet<string> Instruments,
    string? Style,
    string? Tempo,
    string? Key,
    string? Mode,
    string? Meter,
    IReadOnlySet<string> Moods)
{
    // Order matters where one phrase holds another's word ("a synth lead" before nothing else uses "lead").
    private static readonly (string Pattern, string Id)[] InstrumentPatterns =
    [
        ("piano", "piano"), ("guitar", "guitar"), ("organ", "organ"), ("strings|string pad", "strings"),
        ("bass|bassline", "bass"), ("bells?|bell tones", "bells"), ("saw lead|synth lead|lead synth", "synth_lead"),
        ("flute", "flute"), ("drums|drum kit|kick|percussion", "drums"),
    ];

    private static readonly (string Pattern, string Id)[] StylePatterns =
    [
        ("ambient", "ambient"), ("lo-fi|lofi", "lofi"), ("techno", "techno"), ("rock", "rock"), ("waltz", "waltz"),
        ("march|marching", "march"), ("jazz", "jazz"), ("ballad", "ballad"), ("folk", "folk"),
    ];

    private static readonly (string Pattern, string Id)[] TempoPatterns =
    [
        ("slow|unhurried|slow-paced", "slow"), ("mid-tempo|moderately paced|medium-tempo", "moderate"), ("fast|up-tempo|brisk|fast-paced", "fast"),
    ];

    private static readonly Regex Bpm = new(@"(\d+) (bpm|beats per minute)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex KeyPhrase = new(@"\bin (?:the key of )?([A-G]#?) (major|minor)\b", RegexOptions.CultureInvariant);

    /// <summary>Every mood word the synthetic dataset uses.</summary>
    public static IReadOnlySet<string> MoodWords { get; } = ClipSpec.TempoModeMoods.Values.SelectMany(w => w)
        .Concat(MusicStyle.All.SelectMany(s => s.MajorMoods.Concat(s.MinorMoods))).ToHashSet(StringComparer.Ordinal);

    /// <summary>The nine style ids, the eight pitched instruments (and drums), the tempo classes: the zero-shot classes.</summary>
    public static IReadOnlyList<string> Styles { get; } = StylePatterns.Select(p => p.Id).ToList();
    public static IReadOnlyList<string> InstrumentIds { get; } = InstrumentPatterns.Select(p => p.Id).ToList();
    public static IReadOnlyList<string> TempoClasses { get; } = ["slow", "moderate", "fast"];

    /// <summary>Reads what <paramref name="caption"/> names; words outside the vocabularies are ignored.</summary>
    public static CaptionAttributes Parse(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var lower = caption.ToLowerInvariant();
        static bool Has(string text, string pattern) => Regex.IsMatch(text, $@"(?<![\w-])(?:{pattern})(?![\w-])", RegexOptions.CultureInvariant);
        var instruments = InstrumentPatterns.Where(p => Has(lower, p.Pattern)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var styles = StylePatterns.Where(p => Has(lower, p.Pattern)).Select(p => p.Id).ToList();
        string? tempo = TempoPatterns.Where(p => Has(lower, p.Pattern)).Select(p => p.Id).FirstOrDefault();
        if (Bpm.Match(lower) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var bpm)) tempo ??= ClipSpec.TempoClass(bpm);
        string? key = null, mode = null;
        if (KeyPhrase.Match(caption) is { Success: true } k) (key, mode) = (k.Groups[1].Value, k.Groups[2].Value);
        string? meter = Has(lower, @"3/4|three-four time|triple time") ? "3/4" : Has(lower, @"4/4|common time") ? "4/4" : null;
        var moods = CaptionTokenizer.Words(lower).Where(MoodWords.Contains).ToHashSet(StringComparer.Ordinal);
        return new CaptionAttributes(instruments, styles.Count == 1 ? styles[0] : null, tempo, key, mode, meter, moods);
    }

    /// <summary>How many attributes the caption names (each instrument and mood counts once).</summary>
    public int Count => Instruments.Count + Moods.Count + new[] { Style, Tempo, Key, Mode, Meter }.Count(v => v is not null);

    /// <summary>
    /// Whether a clip has every attribute this caption names. With <paramref name="keyAndMood"/> false the
    /// tonic and the mood words are not checked (what a log-mel front-end can hardly hear, and words drawn at
    /// random from several synonyms of the same tempo and mode).
    /// </summary>
    public bool IsSatisfiedBy(ClipAttributes a, bool keyAndMood = true)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (!Instruments.All(a.Instruments.Contains)) return false;
        if (Style is not null && Style != a.Style) return false;
        if (Tempo is not null && Tempo != ClipSpec.TempoClass(a.TempoBpm)) return false;
        if (Mode is not null && Mode != a.Mode) return false;
        if (Meter is not null && Meter != a.Meter) return false;
        if (!keyAndMood) return true;
        if (Key is not null && Key != a.Key) return false;
        return Moods.All(a.Mood.Contains);
    }
}

using System.Text.RegularExpressions;
using MusicLM.Audio;
using MusicLM.Audio.Analysis;
using MusicLM.MuLan;

namespace MusicLM.Evaluation;

/// <summary>
/// What a prompt asks for that can be heard and checked: the tempo when it names a BPM, the key and mode when it names
/// them, the instruments and the style it names (read with <see cref="CaptionAttributes.Parse"/>'s vocabularies).
/// Attributes a prompt does not name are not scored.
/// </summary>
public sealed record PromptTarget(string Prompt, int? Bpm, string? Key, string? Mode, IReadOnlySet<string> Instruments, string? Style)
{
    private static readonly Regex BpmPhrase = new(@"(\d+) (bpm|beats per minute)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static PromptTarget FromCaption(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var a = CaptionAttributes.Parse(caption);
        int? bpm = BpmPhrase.Match(caption) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var b) ? b : null;
        return new PromptTarget(caption, bpm, a.Key, a.Mode, a.Instruments, a.Style);
    }
}

/// <summary>How one clip did against one prompt: null where the prompt does not name the attribute; the estimates behind each verdict.</summary>
public sealed record AdherenceResult(bool? Tempo, bool? KeyMode, bool? Mode, int InstrumentsNamed, int InstrumentsHeard, bool? Style,
                                     double EstimatedBpm, string EstimatedKey, string EstimatedStyle, IReadOnlyList<string> HeardInstruments);

/// <summary>One row of the adherence table: the fraction of clips (of those whose prompt names it) that got each attribute right.</summary>
public sealed record AdherenceRow(string Name, int Clips, double TempoWithin8Percent, int TempoScored, double KeyAndMode, int KeyScored,
                                  double ModeOnly, double InstrumentsHeard, int InstrumentsNamed, double Style, int StyleScored)
{
    /// <summary>
    /// The row's rates divided by another's (chance): how many times better. Where chance got none right, the ratio is
    /// infinite if this row got any right and NaN if it got none either (nothing to compare).
    /// </summary>
    public (double Tempo, double KeyAndMode, double Instruments, double Style) Over(AdherenceRow chance) =>
        (Ratio(TempoWithin8Percent, chance.TempoWithin8Percent), Ratio(KeyAndMode, chance.KeyAndMode),
         Ratio(InstrumentsHeard, chance.InstrumentsHeard), Ratio(Style, chance.Style));

    private static double Ratio(double a, double b) => b > 0 ? a / b : a > 0 ? double.PositiveInfinity : double.NaN;
}

/// <summary>
/// Prompt adherence from the audio alone: tempo by <see cref="TempoEstimator"/> (within 8 % of the named BPM), key and
/// mode by <see cref="KeyEstimator"/>, instruments and style by <see cref="AttributeClassifiers"/> trained for
/// evaluation only. <see cref="Shuffled"/> pairs each clip with another clip's prompt: the chance row.
/// </summary>
public static class PromptAdherence
{
    /// <summary>The tolerance of the tempo check: ±8 % of the asked BPM.</summary>
    public const double TempoTolerance = 0.08;

    public static AdherenceResult Score(AudioClip audio, PromptTarget target, AttributeClassifiers classifiers) =>
        Score(audio, EvaluationFeatures.Of(audio), target, classifiers);

    /// <summary>Scores a clip whose evaluation features are already computed.</summary>
    public static AdherenceResult Score(AudioClip audio, float[] features, PromptTarget target, AttributeClassifiers classifiers)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(classifiers);
        var mono = audio.Channel(0);
        var tempo = TempoEstimator.Estimate(mono, audio.SampleRate).Bpm;
        var key = KeyEstimator.Estimate(mono, audio.SampleRate);
        var keyMode = key.Mode == Audio.Analysis.KeyMode.Major ? "major" : "minor";
        var style = classifiers.Style(features);
        var p = classifiers.InstrumentProbabilities(features);
        var heard = classifiers.Instruments.Where((_, i) => p[i] >= 0.5).ToList();
        return new AdherenceResult(
            Tempo: target.Bpm is { } bpm ? Math.Abs(tempo - bpm) <= TempoTolerance * bpm : null,
            KeyMode: target.Key is { } k && target.Mode is { } m ? SameKey(key.TonicName, k) && keyMode == m : null,
            Mode: target.Mode is { } mode ? keyMode == mode : null,
            InstrumentsNamed: target.Instruments.Count,
            InstrumentsHeard: target.Instruments.Count(heard.Contains),
            Style: target.Style is { } s ? style == s : null,
            EstimatedBpm: tempo, EstimatedKey: key.Name, EstimatedStyle: style, HeardInstruments: heard);
    }

    /// <summary>A row of the table over clips' results.</summary>
    public static AdherenceRow Summarise(string name, IReadOnlyList<AdherenceResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        static (double Rate, int N) Rate(IEnumerable<bool?> v)
        {
            var scored = v.Where(x => x is not null).Select(x => x!.Value).ToList();
            return (scored.Count > 0 ? scored.Average(x => x ? 1.0 : 0.0) : double.NaN, scored.Count);
        }
        var tempo = Rate(results.Select(r => r.Tempo));
        var key = Rate(results.Select(r => r.KeyMode));
        var mode = Rate(results.Select(r => r.Mode));
        var style = Rate(results.Select(r => r.Style));
        var named = results.Sum(r => r.InstrumentsNamed);
        var heard = results.Sum(r => r.InstrumentsHeard);
        return new AdherenceRow(name, results.Count, tempo.Rate, tempo.N, key.Rate, key.N, mode.Rate, named > 0 ? (double)heard / named : double.NaN, named, style.Rate, style.N);
    }

    /// <summary>
    /// Each clip's prompt replaced by another clip's (clip i gets prompt i + ⌊n/2⌋ mod n): scored the same way, this is
    /// the chance level of every column for these clips and prompts.
    /// </summary>
    public static IReadOnlyList<PromptTarget> Shuffled(IReadOnlyList<PromptTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count < 2) throw new ArgumentException("shuffling needs at least two prompts");
        var shift = Math.Max(1, targets.Count / 2);
        return Enumerable.Range(0, targets.Count).Select(i => targets[(i + shift) % targets.Count]).ToList();
    }

    private static bool SameKey(string a, string b) => KeyCandidate.PitchClassOf(a) == KeyCandidate.PitchClassOf(b) && KeyCandidate.PitchClassOf(a) >= 0;
}

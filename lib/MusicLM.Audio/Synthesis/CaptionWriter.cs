namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Natural-language captions from ground-truth attributes: <see cref="TemplateCount"/> sentence templates,
/// synonyms for styles, instruments and tempo, and a random choice of which attributes to mention.
/// Every word comes from the attributes, so a caption never mentions what the clip does not contain.
/// </summary>
public static class CaptionWriter
{
    private static readonly Dictionary<string, string[]> StyleNouns = new()
    {
        ["ambient"] = ["ambient piece", "ambient soundscape", "ambient track"],
        ["lofi"] = ["lo-fi hip hop beat", "lofi track", "lo-fi groove", "lofi beat"],
        ["techno"] = ["techno track", "techno groove", "techno"],
        ["rock"] = ["rock instrumental", "rock track", "rock tune"],
        ["waltz"] = ["waltz", "waltz tune"],
        ["march"] = ["march", "marching tune"],
        ["jazz"] = ["jazz tune", "jazz piece", "jazz number"],
        ["ballad"] = ["ballad", "instrumental ballad"],
        ["folk"] = ["folk tune", "folk song", "folk melody"],
    };

    private static readonly Dictionary<string, string[]> InstrumentPhrases = new()
    {
        ["piano"] = ["piano", "acoustic piano", "grand piano"],
        ["guitar"] = ["guitar", "plucked guitar", "acoustic guitar"],
        ["organ"] = ["organ", "drawbar organ", "electric organ"],
        ["strings"] = ["strings", "a string pad", "lush strings", "sustained strings"],
        ["bass"] = ["bass", "a bass line", "deep bass", "a bassline"],
        ["bells"] = ["bells", "FM bells", "chiming bells", "bell tones"],
        ["synth_lead"] = ["a saw lead", "a synth lead", "a buzzy saw lead", "a lead synth"],
        ["flute"] = ["flute", "a breathy flute", "an airy flute"],
        ["drums"] = ["drums", "a drum kit", "a punchy kick", "punchy drums", "percussion"],
    };

    private static readonly Dictionary<string, string[]> TempoWords = new()
    {
        ["slow"] = ["slow", "unhurried", "slow-paced"],
        ["moderate"] = ["mid-tempo", "moderately paced", "medium-tempo"],
        ["fast"] = ["fast", "up-tempo", "brisk", "fast-paced"],
    };

    private static readonly string[] Nouns = ["piece", "track", "tune", "instrumental", "composition"];

    private delegate string Template(Words w);

    private static readonly Template[] Templates =
    [
        w => $"{w.A(w.Tempo)}, {w.Mood1} {w.Bare(w.Lead)} {w.Noun} {w.Key} with {w.Others}.",
        w => $"{Cap(w.Mood1)} {w.Style} {w.Bpm} driven by {w.List}.",
        w => $"{Cap(w.Style)} featuring {w.List}, {w.Mood1} and {w.Mood2}.",
        w => $"{Cap(w.List)} in {w.A(w.Mood1)} {w.Style}{w.Maybe(", " + w.Key)}.",
        w => $"{w.A(w.Mood1)} {w.Noun} {w.Key}, {w.Tempo}, {w.Meter}, with {w.List}.",
        w => $"{Cap(w.Tempo)} {w.Style} {w.Key} with {w.List}; the mood is {w.Mood1} and {w.Mood2}.",
        w => $"{Cap(w.Mood1)} and {w.Mood2}: {w.List} {w.Bpm}.",
        w => $"Instrumental {w.Style} {w.Bpm}, {w.Meter}, featuring {w.List}.",
        w => $"{Cap(w.Bare(w.Lead))} melody over {w.Others}, {w.Mood1}, {w.Key}.",
        w => $"This {w.Mood1} {w.Style} is built on {w.List}{w.Maybe(" " + w.Bpm)}.",
        w => $"{Cap(w.Style)} {w.Key}: {w.List}, {w.Tempo} and {w.Mood1}.",
        w => $"{w.A(w.Mood1)} {w.Style} led by {w.Bare(w.Lead)}{w.Maybe(" with " + w.Others)}.",
        w => $"{Cap(w.Tempo)}, {w.Mood1} music with {w.List} {w.Bpm}.",
        w => $"{Cap(w.Style)} {w.Meter} {w.Bpm}, {w.Mood1} and {w.Mood2}, with {w.List}.",
    ];

    public static int TemplateCount => Templates.Length;

    /// <summary>A caption for <paramref name="a"/>; <paramref name="template"/> picks a template (random when null). Returns the text and the template used.</summary>
    public static (string Text, int Template) Write(ClipAttributes a, Rng rng, int? template = null)
    {
        int t = template ?? rng.Next(Templates.Length);
        if (t < 0 || t >= Templates.Length) throw new ArgumentOutOfRangeException(nameof(template), template, $"there are {Templates.Length} templates");
        var text = Templates[t](new Words(a, rng));
        return (Cap(text), t);
    }

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string JoinList(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    /// <summary>The words one caption is built from, each drawn once from the attributes.</summary>
    private sealed class Words
    {
        private readonly Rng _rng;

        public Words(ClipAttributes a, Rng rng)
        {
            _rng = rng;
            var phrases = a.Instruments.Select(i => rng.Pick(InstrumentPhrases[i])).ToList();
            Lead = phrases[0];
            var rest = phrases.Skip(1).Where(_ => rng.Chance(0.7)).ToList();
            if (rest.Count == 0 && phrases.Count > 1) rest.Add(phrases[1 + rng.Next(phrases.Count - 1)]);
            Others = rest.Count == 0 ? "nothing else" : JoinList(rest);
            if (rest.Count == 0) Others = Lead;
            var list = new List<string> { Lead };
            list.AddRange(rest);
            if (list.Count > 1 && rng.Chance(0.3)) list.Reverse();
            List = JoinList(list);
            Style = rng.Pick(StyleNouns[a.Style]);
            Noun = rng.Chance(0.5) ? Style : rng.Pick(Nouns);
            Tempo = rng.Pick(TempoWords[ClipSpec.TempoClass(a.TempoBpm)]);
            var moods = a.Mood.ToList();
            Mood1 = moods[rng.Next(moods.Count)];
            Mood2 = moods.Count > 1 ? moods.First(m => m != Mood1) : Mood1;
            Key = rng.Chance(0.5) ? $"in {a.Key} {a.Mode}" : $"in the key of {a.Key} {a.Mode}";
            Bpm = rng.Pick(new[] { $"at {a.TempoBpm} BPM", $"at {a.TempoBpm} beats per minute", $"at a tempo of {a.TempoBpm} BPM" });
            Meter = a.Meter == "3/4" ? rng.Pick(new[] { "in 3/4 time", "in three-four time", "in triple time" }) : rng.Pick(new[] { "in 4/4 time", "in common time" });
        }

        public string Lead { get; }
        public string Others { get; }
        public string List { get; }
        public string Style { get; }
        public string Noun { get; }
        public string Tempo { get; }
        public string Mood1 { get; }
        public string Mood2 { get; }
        public string Key { get; }
        public string Bpm { get; }
        public string Meter { get; }

        /// <summary>"a"/"an" + word.</summary>
        public string A(string word) => ("aeiou".Contains(char.ToLowerInvariant(word[0])) ? "an " : "a ") + word;

        /// <summary>An instrument phrase without its article, to use as an adjective ("flute piece").</summary>
        public string Bare(string phrase) => phrase.StartsWith("a ") ? phrase[2..] : phrase.StartsWith("an ") ? phrase[3..] : phrase;

        /// <summary>The fragment half of the time: varies which attributes a caption mentions.</summary>
        public string Maybe(string fragment) => _rng.Chance(0.5) ? fragment : "";
    }
}

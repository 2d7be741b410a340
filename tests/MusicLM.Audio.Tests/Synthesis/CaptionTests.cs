using System.Text.RegularExpressions;
using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Tests.Synthesis;

public class CaptionTests
{
    // The test's own vocabulary: words that, when present, must be backed by the attributes.
    private static readonly Dictionary<string, string[]> StyleWords = new()
    {
        ["ambient"] = ["ambient"], ["lofi"] = ["lo-fi", "lofi"], ["techno"] = ["techno"], ["rock"] = ["rock"], ["waltz"] = ["waltz"],
        ["march"] = ["march"], ["jazz"] = ["jazz"], ["ballad"] = ["ballad"], ["folk"] = ["folk"],
    };

    private static readonly Dictionary<string, string[]> InstrumentWords = new()
    {
        ["piano"] = ["piano"], ["guitar"] = ["guitar"], ["organ"] = ["organ"], ["strings"] = ["strings", "string pad"], ["bass"] = ["bass"],
        ["bells"] = ["bell"], ["synth_lead"] = ["lead", "synth"], ["flute"] = ["flute"], ["drums"] = ["drum", "kick", "percussion", "snare"],
    };

    private static readonly string[] Moods =
    [
        "melancholic", "somber", "wistful", "sad", "calm", "peaceful", "serene", "gentle", "moody", "mysterious", "pensive", "bittersweet",
        "warm", "relaxed", "cheerful", "sunny", "dark", "intense", "urgent", "driving", "upbeat", "joyful", "energetic", "lively",
        "dreamy", "ethereal", "spacious", "haunting", "chill", "mellow", "nostalgic", "hazy", "hypnotic", "pulsing", "relentless",
        "bold", "anthemic", "gritty", "elegant", "graceful", "proud", "stately", "triumphant", "resolute", "smooth", "swinging", "smoky",
        "heartfelt", "tender", "yearning", "rustic", "earthy",
    ];

    private static bool Has(string caption, string word) => Regex.IsMatch(caption, $@"\b{Regex.Escape(word)}", RegexOptions.IgnoreCase);

    [Fact]
    public void Captions_mention_only_what_the_clip_contains_and_state_key_and_tempo_right()
    {
        for (int seed = 0; seed < 400; seed++)
        {
            var s = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10));
            var a = s.Attributes;
            string c = s.Caption;
            string why = $"seed {seed}: \"{c}\" for {a.Style}, {string.Join('+', a.Instruments)}, {a.TempoBpm} BPM, {a.Key} {a.Mode}, {a.Meter}, {string.Join('/', a.Mood)}";
            foreach (var (style, words) in StyleWords)
                if (words.Any(w => Has(c, w))) Assert.True(style == a.Style, why);
            foreach (var (inst, words) in InstrumentWords)
                if (words.Any(w => Has(c, w))) Assert.True(a.Instruments.Contains(inst), why);
            foreach (var m in Moods)
                if (Regex.IsMatch(c, $@"\b{m}\b", RegexOptions.IgnoreCase)) Assert.True(a.Mood.Contains(m), why);
            foreach (Match m in Regex.Matches(c, @"\b([A-G]#?) (major|minor)\b"))
                Assert.True(m.Groups[1].Value == a.Key && m.Groups[2].Value == a.Mode, why);
            foreach (Match m in Regex.Matches(c, @"(\d+) (BPM|beats per minute)"))
                Assert.True(int.Parse(m.Groups[1].Value) == a.TempoBpm, why);
            if (Regex.IsMatch(c, @"\b(slow|unhurried|slow-paced)\b", RegexOptions.IgnoreCase)) Assert.True(a.TempoBpm < 80, why);
            if (Regex.IsMatch(c, @"\b(fast|up-tempo|brisk|fast-paced)\b", RegexOptions.IgnoreCase)) Assert.True(a.TempoBpm >= 120, why);
            if (Regex.IsMatch(c, @"3/4|three-four|triple time")) Assert.Equal("3/4", a.Meter);
            if (Regex.IsMatch(c, @"4/4|common time")) Assert.Equal("4/4", a.Meter);
            // And it says something: at least two of style, instrument, mood.
            int facts = (StyleWords[a.Style].Any(w => Has(c, w)) ? 1 : 0) + (a.Instruments.Any(i => InstrumentWords[i].Any(w => Has(c, w))) ? 1 : 0) + (a.Mood.Any(m => Has(c, m)) ? 1 : 0);
            Assert.True(facts >= 2, why);
            Assert.DoesNotContain("  ", c);
            Assert.True(char.IsUpper(c[0]) && c.EndsWith('.'), why);
        }
    }

    [Fact]
    public void Captions_are_varied_across_clips_and_templates()
    {
        var scores = Enumerable.Range(0, 200).Select(seed => SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10))).ToList();
        Assert.True(scores.Select(s => s.Caption).Distinct().Count() >= 150);
        Assert.True(scores.Select(s => s.CaptionTemplate).Distinct().Count() >= 10);
        // Same attributes through every template: all different sentences.
        var a = scores[0].Attributes;
        var texts = Enumerable.Range(0, CaptionWriter.TemplateCount).Select(t => CaptionWriter.Write(a, new Rng(1), t).Text).ToList();
        Assert.Equal(texts.Count, texts.Distinct().Count());
        Assert.True(CaptionWriter.TemplateCount >= 10);
    }

    [Fact]
    public void Mood_words_follow_tempo_and_mode()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var a = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10)).Attributes;
            if (a.TempoBpm < 80 && a.Mode == "minor") Assert.Contains(a.Mood, m => m is "melancholic" or "somber" or "wistful" or "sad");
            if (a.TempoBpm >= 120 && a.Mode == "major") Assert.Contains(a.Mood, m => m is "upbeat" or "joyful" or "energetic" or "lively");
            Assert.DoesNotContain(a.Mood, m => a.Mode == "minor" && m is "joyful" or "cheerful" or "sunny");
            Assert.DoesNotContain(a.Mood, m => a.Mode == "major" && m is "sad" or "melancholic" or "somber" or "dark");
        }
    }
}

using MusicLM.Audio.Synthesis;
using MusicLM.MuLan;

namespace MusicLM.Tests.MuLan;

public class CaptionAttributesTests
{
    [Fact]
    public void Every_generated_caption_names_only_what_its_clip_has()
    {
        var named = 0;
        for (var seed = 0; seed < 400; seed++)
        {
            var score = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 2));
            var parsed = CaptionAttributes.Parse(score.Caption);
            Assert.True(parsed.IsSatisfiedBy(score.Attributes), $"seed {seed}: '{score.Caption}' read as {Describe(parsed)}, clip {score.Attributes}");
            Assert.NotEmpty(parsed.Instruments);
            Assert.Contains(score.Attributes.Instruments[0], parsed.Instruments);   // every template names the lead
            named += parsed.Count;
        }
        Assert.True(named / 400.0 > 3, $"captions name {named / 400.0:0.0} attributes on average");
    }

    [Fact]
    public void Phrases_are_read_as_the_attributes_they_name()
    {
        var a = CaptionAttributes.Parse("Slow-paced lo-fi groove in the key of F# minor, in three-four time, with a buzzy saw lead and a drum kit; hazy.");
        Assert.Equal("lofi", a.Style);
        Assert.Equal("slow", a.Tempo);
        Assert.Equal(("F#", "minor"), (a.Key, a.Mode));
        Assert.Equal("3/4", a.Meter);
        Assert.Equal(new[] { "drums", "synth_lead" }, a.Instruments.OrderBy(x => x));
        Assert.Contains("hazy", a.Moods);
        Assert.Equal("fast", CaptionAttributes.Parse("Rock tune at 140 beats per minute").Tempo);
        Assert.Equal("march", CaptionAttributes.Parse("a marching tune").Style);
    }

    [Fact]
    public void A_clip_without_a_named_instrument_does_not_satisfy_the_caption()
    {
        var clip = new ClipAttributes(["piano", "bass"], 100, "C", "major", "4/4", "jazz", ["warm", "smooth"]);
        Assert.True(CaptionAttributes.Parse("A jazz tune with piano").IsSatisfiedBy(clip));
        Assert.False(CaptionAttributes.Parse("A jazz tune with flute").IsSatisfiedBy(clip));
        Assert.False(CaptionAttributes.Parse("A fast jazz tune with piano").IsSatisfiedBy(clip));
        Assert.False(CaptionAttributes.Parse("Jazz in D major with piano").IsSatisfiedBy(clip));
        Assert.True(CaptionAttributes.Parse("Jazz in D major with piano").IsSatisfiedBy(clip, keyAndMood: false));
    }

    private static string Describe(CaptionAttributes a) =>
        $"[{string.Join(",", a.Instruments)}] style {a.Style} tempo {a.Tempo} key {a.Key} {a.Mode} meter {a.Meter} moods [{string.Join(",", a.Moods)}]";
}

using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Tests.Synthesis;

public class GeneratorTests
{
    private const int Sr = 16000;

    public static TheoryData<string> Styles => new(MusicStyle.All.Select(s => s.Name));

    [Fact]
    public void Same_seed_gives_identical_audio_caption_attributes_and_notes()
    {
        var a = SyntheticMusic.Generate(1234, Sr, 4);
        var b = SyntheticMusic.Generate(1234, Sr, 4);
        Assert.Equal(a.Audio.Channel(0), b.Audio.Channel(0));
        Assert.Equal(a.Caption, b.Caption);
        Assert.Equal(a.Notes, b.Notes);
        Assert.Equal(a.Attributes.Instruments, b.Attributes.Instruments);
        Assert.Equal((a.Attributes.Key, a.Attributes.Mode, a.Attributes.TempoBpm, a.Attributes.Style), (b.Attributes.Key, b.Attributes.Mode, b.Attributes.TempoBpm, b.Attributes.Style));
    }

    [Fact]
    public void Different_seeds_give_different_clips()
    {
        var clips = Enumerable.Range(0, 6).Select(s => SyntheticMusic.Generate(s, Sr, 3)).ToList();
        for (int i = 0; i < clips.Count; i++)
            for (int j = i + 1; j < clips.Count; j++)
            {
                Assert.NotEqual(clips[i].Audio.Channel(0), clips[j].Audio.Channel(0));
                Assert.NotEqual(clips[i].Notes, clips[j].Notes);
            }
        Assert.True(clips.Select(c => c.Caption).Distinct().Count() >= 5);
    }

    [Fact]
    public void The_style_distribution_covers_every_style_key_mode_and_meter()
    {
        var specs = Enumerable.Range(0, 400).Select(s => ClipSpec.Random(s)).ToList();
        Assert.Equal(MusicStyle.All.Count, specs.Select(s => s.Style).Distinct().Count());
        Assert.Equal(12, specs.Select(s => s.Key).Distinct().Count());
        Assert.Equal(2, specs.Select(s => s.Mode).Distinct().Count());
        Assert.Equal(2, specs.Select(s => s.Meter).Distinct().Count());
        Assert.All(specs, s => Assert.InRange(s.TempoBpm, 60, 180));
        Assert.All(specs.Where(s => s.Style == "waltz"), s => Assert.Equal("3/4", s.Meter));
        Assert.All(specs.Where(s => s.Style == "techno"), s => Assert.Equal("4/4", s.Meter));
        // Every timbre is used somewhere.
        var used = specs.SelectMany(s => s.InstrumentIds()).ToHashSet();
        Assert.Equal(Enum.GetValues<Instrument>().Select(i => i.Id()).ToHashSet(), used);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void Every_style_renders_finite_unclipped_audio_without_dc_at_a_sensible_level_and_without_gaps(string style)
    {
        for (int seed = 0; seed < 2; seed++)
        {
            var clip = SyntheticMusic.Generate(ClipSpec.Random(seed, Sr, 8, style: style));
            var x = clip.Audio.Channel(0);
            Assert.Equal(8 * Sr, x.Length);
            Assert.All(x, v => Assert.True(float.IsFinite(v)));
            Assert.True(x.Max(MathF.Abs) < 0.99f, $"peak {x.Max(MathF.Abs)}");
            Assert.True(Math.Abs(x.Average(v => (double)v)) < 1e-3, "DC offset");
            double rms = SignalMath.Rms(x);
            Assert.InRange(rms, 0.04, 0.3);
            // No 200 ms window is silent (below −50 dBFS), apart from the final fade-out.
            int w = Sr / 5;
            for (int i = 0; i + w <= x.Length - Sr / 10; i += w)
                Assert.True(SignalMath.Rms(x.AsSpan(i, w)) > 0.003, $"{style}: silent window at {(double)i / Sr:F1} s");
        }
    }

    [Fact]
    public void Stereo_variant_has_two_different_channels_with_the_same_music()
    {
        var spec = ClipSpec.Random(5, Sr, 4, stereo: true, style: "rock");
        var stereo = SyntheticMusic.Generate(spec);
        var mono = SyntheticMusic.Generate(spec with { Stereo = false });
        Assert.Equal(2, stereo.Audio.Channels);
        Assert.Equal(1, mono.Audio.Channels);
        Assert.NotEqual(stereo.Audio.Channel(0), stereo.Audio.Channel(1));
        Assert.Equal(mono.Notes, stereo.Notes);
        Assert.True(stereo.Audio.Channel(1).Max(MathF.Abs) < 0.99f);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(22050)]
    [InlineData(24000)]
    [InlineData(44100)]
    public void Any_sample_rate_from_8_kHz_works(int sampleRate)
    {
        var clip = SyntheticMusic.Generate(ClipSpec.Random(9, sampleRate, 2.5, style: "techno"));
        Assert.Equal(sampleRate, clip.Audio.SampleRate);
        Assert.Equal((int)Math.Round(2.5 * sampleRate), clip.Audio.Frames);
        Assert.All(clip.Audio.Channel(0), v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 1));
    }

    [Fact]
    public void Invalid_specs_are_rejected_with_a_clear_message()
    {
        var spec = ClipSpec.Random(1, Sr, 2, style: "jazz");
        Assert.Contains("sample rate", Assert.Throws<ArgumentException>(() => SyntheticMusic.Generate(spec with { SampleRate = 4000 })).Message);
        Assert.Contains("progression", Assert.Throws<ArgumentException>(() => SyntheticMusic.Generate(spec with { Mode = spec.Mode == "major" ? "minor" : "major" })).Message);
        Assert.Throws<ArgumentException>(() => ClipSpec.Random(1, style: "polka"));
    }
}

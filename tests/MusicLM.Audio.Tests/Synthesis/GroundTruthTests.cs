using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Tests.Synthesis;

/// <summary>The attributes a clip claims (key, mode, tempo, meter) agree with what it plays.</summary>
public class GroundTruthTests
{
    private static readonly string[] Names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
    private static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11], Minor = [0, 2, 3, 5, 7, 8, 10];

    private static double InScaleFraction(IEnumerable<NoteEvent> notes, int tonic, int[] scale)
    {
        var list = notes.ToList();
        return (double)list.Count(n => scale.Contains(((n.Pitch - tonic) % 12 + 12) % 12)) / list.Count;
    }

    [Fact]
    public void Melody_and_bass_pitches_fit_the_stated_key_and_not_a_distant_one()
    {
        for (int seed = 0; seed < 120; seed++)
        {
            var score = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10));
            var a = score.Attributes;
            int tonic = Array.IndexOf(Names, a.Key);
            Assert.True(tonic >= 0, $"key '{a.Key}' is not a sharp pitch-class name");
            var scale = a.Mode == "major" ? Major : Minor;
            var pitched = score.Notes.Where(n => n.Part is "melody" or "bass").ToList();
            Assert.NotEmpty(pitched);
            Assert.True(InScaleFraction(pitched, tonic, scale) >= 0.9, $"seed {seed}: {a.Key} {a.Mode}");
            Assert.True(InScaleFraction(pitched, tonic + 6, scale) < 0.8, $"seed {seed}: also fits the key a tritone away");
            // The tonic chord of the stated mode is played: some chord hit holds the tonic, the right third and the fifth.
            int third = (tonic + (a.Mode == "major" ? 4 : 3)) % 12, fifth = (tonic + 7) % 12;
            double bar = 60.0 / a.TempoBpm * score.Spec.BeatsPerBar;
            var hits = score.Notes.Where(n => n.Part == "chords").GroupBy(n => Math.Floor((n.OnsetS + 0.05) / bar)).Select(g => g.Select(n => n.Pitch % 12).ToHashSet());
            Assert.Contains(hits, h => h.Contains(tonic) && h.Contains(third) && h.Contains(fifth));
        }
    }

    [Fact]
    public void Melody_uses_chord_tones_on_downbeats_and_has_a_singable_range()
    {
        int onChord = 0, downbeats = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var score = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10));
            var melody = score.Notes.Where(n => n.Part == "melody").ToList();
            Assert.InRange(melody.Max(n => n.Pitch) - melody.Min(n => n.Pitch), 2, 19);
            double bar = 60.0 / score.Attributes.TempoBpm * score.Spec.BeatsPerBar;
            foreach (var m in melody)
            {
                double pos = m.OnsetS / bar;
                if (Math.Abs(pos - Math.Round(pos)) * bar > 0.02) continue;
                int barIndex = (int)Math.Round(pos);
                var chord = score.Notes.Where(n => n.Part == "chords" && n.OnsetS >= barIndex * bar - 0.03 && n.OnsetS < (barIndex + 1) * bar - 0.03)
                    .Select(n => n.Pitch % 12).ToHashSet();
                if (chord.Count == 0) continue;
                downbeats++;
                if (chord.Contains(m.Pitch % 12)) onChord++;
            }
        }
        Assert.True(downbeats > 100);
        Assert.True(onChord >= 0.85 * downbeats, $"{onChord}/{downbeats} downbeat melody notes are chord tones");
    }

    [Fact]
    public void Onsets_line_up_with_the_stated_tempo_grid()
    {
        for (int seed = 0; seed < 80; seed++)
        {
            var score = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10));
            double beat = 60.0 / score.Attributes.TempoBpm;
            bool swing = score.Attributes.Style is "jazz" or "lofi";
            foreach (var n in score.Notes.Where(n => n.Part is "melody" or "bass" or "drums" or "pad"))
            {
                // Sixteenth grid (or the triplet grid where the style swings), within the 12 ms of humanising.
                double Off(double step) => Math.Abs(n.OnsetS / step - Math.Round(n.OnsetS / step)) * step;
                double off = swing ? Math.Min(Off(beat / 4), Off(beat / 3)) : Off(beat / 4);
                Assert.True(off <= 0.0125, $"seed {seed} ({score.Attributes.Style} {score.Attributes.TempoBpm} BPM): {n.Part} onset {n.OnsetS} is {off * 1000:F1} ms off the grid");
            }
            // Kicks are spaced by whole multiples of half a beat (a third of a beat where the style swings).
            double unit = swing ? beat / 3 : beat / 2;
            var kicks = score.Notes.Where(n => n.Instrument == "drums" && n.Pitch == 36).Select(n => n.OnsetS).ToList();
            for (int i = 1; i < kicks.Count; i++)
            {
                double k = (kicks[i] - kicks[i - 1]) / unit;
                Assert.True(Math.Abs(k - Math.Round(k)) * unit < 0.02 && Math.Round(k) >= 1, $"seed {seed}: kick interval {kicks[i] - kicks[i - 1]:F3} s at beat {beat:F3} s");
            }
        }
    }

    [Fact]
    public void Techno_is_exactly_on_the_grid_and_its_audio_pulses_at_the_stated_tempo()
    {
        var clip = SyntheticMusic.Generate(ClipSpec.Random(3, 16000, 10, style: "techno"));
        double beat = 60.0 / clip.Attributes.TempoBpm;
        Assert.All(clip.Notes.Where(n => n.Part != "chords"), n => Assert.True(Math.Abs(n.OnsetS / (beat / 4) - Math.Round(n.OnsetS / (beat / 4))) * beat / 4 < 1e-3));
        // Onset strength (positive energy flux in 5 ms hops) autocorrelates strongly at one beat, weakly at ¾ and 1¼ beats.
        var x = clip.Audio.Channel(0);
        int hop = 80;
        var env = new double[x.Length / hop];
        for (int i = 0; i < env.Length; i++) env[i] = SignalMath.Rms(x.AsSpan(i * hop, hop));
        var flux = env.Select((v, i) => i == 0 ? 0 : Math.Max(0, v - env[i - 1])).ToArray();
        double Ac(double lagS)
        {
            int lag = (int)Math.Round(lagS * 16000 / hop);
            double s = 0;
            for (int i = 0; i + lag < flux.Length; i++) s += flux[i] * flux[i + lag];
            return s;
        }
        double atBeat = Ac(beat);
        Assert.True(atBeat > 1.5 * Ac(0.75 * beat) && atBeat > 1.5 * Ac(1.25 * beat), $"beat {Ac(beat)}, ¾ {Ac(0.75 * beat)}, 1¼ {Ac(1.25 * beat)}");
    }

    [Fact]
    public void Three_four_styles_have_three_beats_per_bar()
    {
        int withDrums = 0;
        for (int seed = 0; seed < 30; seed++)
        {
            var score = SyntheticMusic.Compose(ClipSpec.Random(seed, 16000, 10, style: "waltz"));
            Assert.Equal("3/4", score.Attributes.Meter);
            double beat = 60.0 / score.Attributes.TempoBpm, bar = 3 * beat;
            bool OnBarStart(double t) => Math.Abs(t / bar - Math.Round(t / bar)) * bar < 0.025;
            var kicks = score.Notes.Where(n => n.Instrument == "drums" && n.Pitch == 36).ToList();
            if (kicks.Count > 0) withDrums++;
            Assert.All(kicks, k => Assert.True(OnBarStart(k.OnsetS), $"kick at {k.OnsetS} is not on a 3-beat bar line"));
            var bass = score.Notes.Where(n => n.Part == "bass").ToList();
            if (bass.Count > 0) Assert.All(bass, b => Assert.True(OnBarStart(b.OnsetS)));
            // Accents: downbeat notes are louder than the other beats.
            var melody = score.Notes.Where(n => n.Part is "melody" or "chords").ToList();
            var down = melody.Where(n => OnBarStart(n.OnsetS)).ToList();
            var other = melody.Where(n => !OnBarStart(n.OnsetS)).ToList();
            Assert.True(down.Average(n => n.Velocity) > other.Average(n => n.Velocity) + 4);
        }
        Assert.True(withDrums > 0);
        // And a 4/4 kick pattern repeats every four beats, not three.
        var rock = SyntheticMusic.Compose(ClipSpec.Random(1, 16000, 10, style: "rock"));
        double rb = 60.0 / rock.Attributes.TempoBpm;
        var firstBarKicks = rock.Notes.Where(n => n.Pitch == 36 && n.Instrument == "drums" && n.OnsetS < 4 * rb - 0.05).Select(n => Math.Round(n.OnsetS / rb * 2) / 2).ToList();
        Assert.Equal([0, 2, 2.5], firstBarKicks);
    }

    [Fact]
    public void Humanised_styles_deviate_slightly_from_the_grid_and_techno_does_not()
    {
        var ballad = SyntheticMusic.Compose(ClipSpec.Random(2, 16000, 10, style: "ballad"));
        double beat = 60.0 / ballad.Attributes.TempoBpm;
        var offs = ballad.Notes.Where(n => n.Part == "melody").Select(n => Math.Abs(n.OnsetS / (beat / 4) - Math.Round(n.OnsetS / (beat / 4))) * beat / 4).ToList();
        Assert.True(offs.Max() > 0.002 && offs.Max() <= 0.0125);
    }
}

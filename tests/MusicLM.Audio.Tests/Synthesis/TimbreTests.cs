using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Tests.Synthesis;

public class TimbreTests
{
    private const int Sr = 24000;

    public static TheoryData<Instrument, int> Pitched => new()
    {
        { Instrument.Piano, 69 }, { Instrument.Guitar, 57 }, { Instrument.Guitar, 64 }, { Instrument.Organ, 69 },
        { Instrument.Strings, 57 }, { Instrument.Bass, 45 }, { Instrument.SynthLead, 69 }, { Instrument.Flute, 81 }, { Instrument.Bells, 81 },
    };

    [Theory]
    [MemberData(nameof(Pitched))]
    public void Pitched_timbres_sound_at_the_notes_frequency(Instrument instrument, int midi)
    {
        var x = SyntheticMusic.RenderNote(instrument, midi, 1.5, 100, Sr);
        double expected = 440 * Math.Pow(2, (midi - 69) / 12.0);
        // Bells: the inharmonic strike fades fast, the carrier (the pitch) rings on: measure the tail.
        var window = instrument == Instrument.Bells ? x.AsSpan(Sr / 2) : x.AsSpan(Sr / 10);
        // The strongest component within ±10 % of the note (harmonics and the organ's sub-octave lie outside) must be within 1 %.
        double peak = SignalMath.PeakHz(window, Sr, 16384, minHz: expected * 0.9, maxHz: expected * 1.1);
        Assert.InRange(peak, expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void Every_timbre_and_drum_renders_finite_audio_that_starts_and_ends_at_zero()
    {
        var notes = Enum.GetValues<Instrument>().Where(i => i != Instrument.Drums).Select(i => (i, 60))
            .Concat([(Instrument.Drums, 36), (Instrument.Drums, 38), (Instrument.Drums, 42), (Instrument.Drums, 46)]);
        foreach (var (instrument, pitch) in notes)
        {
            var x = SyntheticMusic.RenderNote(instrument, pitch, 0.5, 100, Sr);
            Assert.All(x, v => Assert.True(float.IsFinite(v)));
            Assert.True(SignalMath.Rms(x) > 0.01, $"{instrument} {pitch} is silent");
            Assert.True(Math.Abs(x[0]) < 1e-3 && Math.Abs(x[^1]) < 0.02, $"{instrument} {pitch} clicks: starts {x[0]}, ends {x[^1]}");
            // Attack ramp: the first quarter millisecond stays well below the note's peak.
            float peak = x.Max(MathF.Abs), start = x.AsSpan(0, Sr / 4000).ToArray().Max(MathF.Abs);
            Assert.True(start < 0.3 * peak, $"{instrument} {pitch}: starts at {start / peak:P0} of its peak");
        }
    }

    [Fact]
    public void Spectral_centroid_separates_dark_and_bright_timbres()
    {
        double C(Instrument i, int p) => SignalMath.CentroidHz(SyntheticMusic.RenderNote(i, p, 0.5, 100, Sr).AsSpan(Sr / 20), Sr);
        double bass = C(Instrument.Bass, 45), flute = C(Instrument.Flute, 69), lead = C(Instrument.SynthLead, 69), strings = C(Instrument.Strings, 69);
        double kick = C(Instrument.Drums, 36), hat = C(Instrument.Drums, 42);
        Assert.True(bass < 400, $"bass centroid {bass:F0} Hz");
        Assert.True(flute < lead, $"flute {flute:F0} Hz should be darker than the saw lead {lead:F0} Hz");
        Assert.True(strings < lead, $"low-passed strings {strings:F0} Hz should be darker than the saw lead {lead:F0} Hz");
        Assert.True(kick < 300, $"kick centroid {kick:F0} Hz");
        Assert.True(hat > 4000, $"hi-hat centroid {hat:F0} Hz");
    }

    [Fact]
    public void Piano_and_plucked_string_decay_while_organ_sustains()
    {
        double Ratio(Instrument i)
        {
            var x = SyntheticMusic.RenderNote(i, 60, 2.0, 100, Sr);
            return SignalMath.Rms(x.AsSpan((int)(1.6 * Sr), Sr / 5)) / SignalMath.Rms(x.AsSpan(Sr / 20, Sr / 5));
        }
        Assert.True(Ratio(Instrument.Piano) < 0.6);
        Assert.True(Ratio(Instrument.Guitar) < 0.6);
        Assert.InRange(Ratio(Instrument.Organ), 0.9, 1.1);
    }
}

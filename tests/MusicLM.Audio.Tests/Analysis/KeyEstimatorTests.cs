using MusicLM.Audio.Analysis;

namespace MusicLM.Audio.Tests.Analysis;

public class KeyEstimatorTests
{
    [Theory]
    [InlineData(KeyProfile.KrumhanslKessler)]
    [InlineData(KeyProfile.Temperley)]
    [InlineData(KeyProfile.AlbrechtShanahan)]
    public void A_rotated_profile_is_recognised_as_its_own_key_with_correlation_1(KeyProfile profile)
    {
        var (major, minor) = KeyEstimator.Profiles(profile);
        // F# minor: the minor profile rotated so that its tonic sits on pitch class 6.
        var chroma = Enumerable.Range(0, 12).Select(pc => minor[((pc - 6) % 12 + 12) % 12]).ToArray();
        var k = KeyEstimator.FromChroma(chroma, profile);
        Assert.Equal(6, k.Tonic);
        Assert.Equal("F#", k.TonicName);
        Assert.Equal(KeyMode.Minor, k.Mode);
        Assert.Equal(1.0, k.Correlation, 9);
        Assert.True(k.RunnerUp.Correlation < 1.0);
        Assert.Equal(24, k.Candidates.Count);
        _ = major;
    }

    [Fact]
    public void A_c_major_scale_of_equal_notes_is_c_major_or_its_relative_minor()
    {
        var chroma = new double[12];
        foreach (var pc in new[] { 0, 2, 4, 5, 7, 9, 11 }) chroma[pc] = 1;
        chroma[0] = 1.5; chroma[7] = 1.2; chroma[4] = 1.1;        // tonic triad slightly emphasised
        var k = KeyEstimator.FromChroma(chroma);
        Assert.Equal("C major", k.Name);
    }

    [Fact]
    public void Synthetic_progressions_give_their_key_and_mode_and_misses_are_only_the_relative_key()
    {
        var cases = new (int Tonic, bool Minor, int Meter, Groove Groove)[]
        {
            (2, false, 4, Groove.Rock),       // D major
            (9, true, 4, Groove.None),        // A minor, no drums
            (6, true, 3, Groove.Swing),       // F# minor in 3/4
            (10, false, 4, Groove.Disco),     // A# major
            (4, true, 4, Groove.HalfTime),    // E minor
            (5, false, 3, Groove.None),       // F major in 3/4, no drums
        };
        var results = new List<string>();
        int exact = 0;
        foreach (var c in cases)
        {
            var p = TestMusic.Make(104, c.Tonic, c.Minor, c.Meter, c.Groove, seed: 5 + c.Tonic, seconds: 8);
            var k = KeyEstimator.Estimate(new AudioClip(p.Samples, p.SampleRate));
            var truth = new KeyCandidate(c.Tonic, c.Minor ? KeyMode.Minor : KeyMode.Major, 1);
            var error = AnalysisEvaluation.KeyError(truth, k.Best);
            results.Add($"{truth.Name} → {k.Name} ({error})");
            exact += error == "ok" ? 1 : 0;
            Assert.True(error is "ok" or "relative", string.Join("; ", results));
            Assert.Equal(12, k.Profile.Count);
        }
        Assert.True(exact >= 5, string.Join("; ", results));
    }

    [Theory]
    [InlineData("C", 0)]
    [InlineData("F#", 6)]
    [InlineData("Gb", 6)]
    [InlineData("bb", 10)]
    [InlineData("B#", 0)]
    [InlineData("H", -1)]
    public void Pitch_names_parse_to_pitch_classes(string name, int pc) => Assert.Equal(pc, KeyCandidate.PitchClassOf(name));
}

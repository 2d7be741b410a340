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

    [Theory]
    [InlineData(2, false, 4, Groove.Rock)]      // D major
    [InlineData(9, true, 4, Groove.None)]       // A minor, no drums
    [InlineData(6, true, 3, Groove.Swing)]      // F# minor in 3/4
    [InlineData(10, false, 4, Groove.Disco)]    // A# major
    [InlineData(4, true, 4, Groove.HalfTime)]   // E minor
    public void Synthetic_progressions_give_their_key_and_mode(int tonic, bool minor, int beatsPerBar, Groove groove)
    {
        var p = TestMusic.Make(104, tonic, minor, beatsPerBar, groove, seed: 5 + tonic, seconds: 8);
        var k = KeyEstimator.Estimate(new AudioClip(p.Samples, p.SampleRate));
        Assert.Equal(tonic, k.Tonic);
        Assert.Equal(minor ? KeyMode.Minor : KeyMode.Major, k.Mode);
        Assert.Equal(12, k.Profile.Count);
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

namespace MusicLM.Audio.Analysis;

/// <summary>
/// One of the 24 keys and how well it fits: from <see cref="KeyEstimator.FromChroma"/> the Pearson correlation of
/// its profile with the chroma; from <see cref="KeyEstimator.Estimate(AudioClip, KeyProfile)"/> the weighted sum of
/// its <see cref="Cues"/> (named by <see cref="KeyEstimator.CueNames"/>).
/// </summary>
public sealed record KeyCandidate(int Tonic, KeyMode Mode, double Correlation, IReadOnlyList<double>? Cues = null)
{
    private static readonly string[] Names = { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" };

    /// <summary>Tonic name with sharps, e.g. "F#".</summary>
    public string TonicName => Names[Tonic];

    /// <summary>E.g. "F# minor".</summary>
    public string Name => $"{TonicName} {(Mode == KeyMode.Major ? "major" : "minor")}";

    public override string ToString() => $"{Name} (r = {Correlation:F3})";

    /// <summary>The pitch class of a name such as "F#", "Gb", "bb" or "C♯"; −1 if it is not one.</summary>
    public static int PitchClassOf(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return -1;
        var s = name.Trim();
        int pc = char.ToUpperInvariant(s[0]) switch { 'C' => 0, 'D' => 2, 'E' => 4, 'F' => 5, 'G' => 7, 'A' => 9, 'B' => 11, _ => -100 };
        if (pc < 0) return -1;
        foreach (char c in s[1..])
            pc += c switch { '#' or '♯' => 1, 'b' or '♭' => -1, _ => 100 };
        return pc is >= -12 and < 100 ? (pc % 12 + 12) % 12 : -1;
    }
}

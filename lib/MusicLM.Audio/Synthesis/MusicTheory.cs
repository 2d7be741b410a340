namespace MusicLM.Audio.Synthesis;

/// <summary>Pitch classes, scales and tuning: the small amount of theory the generator and its tests share.</summary>
public static class MusicTheory
{
    /// <summary>Pitch-class names with sharps, index = pitch class (C = 0).</summary>
    public static readonly IReadOnlyList<string> PitchClassNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    /// <summary>Semitones above the tonic of the major (Ionian) and natural minor (Aeolian) scales.</summary>
    public static readonly IReadOnlyList<int> MajorScale = [0, 2, 4, 5, 7, 9, 11];
    public static readonly IReadOnlyList<int> MinorScale = [0, 2, 3, 5, 7, 8, 10];

    public static IReadOnlyList<int> Scale(string mode) => mode switch
    {
        "major" => MajorScale,
        "minor" => MinorScale,
        _ => throw new ArgumentException($"mode must be 'major' or 'minor', got '{mode}'", nameof(mode)),
    };

    public static int PitchClass(string name)
    {
        for (int i = 0; i < 12; i++)
            if (PitchClassNames[i] == name) return i;
        throw new ArgumentException($"unknown pitch class '{name}' (use sharps: C, C#, D, …, B)", nameof(name));
    }

    /// <summary>Equal temperament, A4 (MIDI 69) = 440 Hz.</summary>
    public static double MidiToHz(double midi) => 440.0 * Math.Pow(2.0, (midi - 69.0) / 12.0);

    /// <summary>The set of pitch classes of a key's scale.</summary>
    public static bool InScale(int midi, int tonic, string mode)
    {
        int rel = ((midi - tonic) % 12 + 12) % 12;
        foreach (var s in Scale(mode))
            if (s == rel) return true;
        return false;
    }
}

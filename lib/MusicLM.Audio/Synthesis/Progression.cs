namespace MusicLM.Audio.Synthesis;

/// <summary>A chord progression as scale degrees (0 = tonic), one chord per bar, in a mode; <see cref="Name"/> is its Roman-numeral spelling.</summary>
public sealed record Progression(string Name, string Mode, IReadOnlyList<int> Degrees)
{
    public static readonly IReadOnlyList<Progression> All =
    [
        new("I–V–vi–IV", "major", [0, 4, 5, 3]),
        new("I–vi–IV–V", "major", [0, 5, 3, 4]),
        new("I–IV–V–I", "major", [0, 3, 4, 0]),
        new("I–IV–I–V", "major", [0, 3, 0, 4]),
        new("ii–V–I–I", "major", [1, 4, 0, 0]),
        new("I–vi–ii–V", "major", [0, 5, 1, 4]),
        new("i–VI–III–VII", "minor", [0, 5, 2, 6]),
        new("i–iv–v–i", "minor", [0, 3, 4, 0]),
        new("i–VII–VI–VII", "minor", [0, 6, 5, 6]),
        new("i–iv–VII–III", "minor", [0, 3, 6, 2]),
        new("ii°–v–i–i", "minor", [1, 4, 0, 0]),
        new("i–VI–iv–v", "minor", [0, 5, 3, 4]),
    ];

    public static Progression Named(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"unknown progression '{name}'", nameof(name));
}

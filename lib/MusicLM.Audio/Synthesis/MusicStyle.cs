namespace MusicLM.Audio.Synthesis;

/// <summary>
/// A style: the distribution a clip's tempo, meter, mode, instruments and figures are drawn from.
/// <see cref="All"/> is the catalogue the dataset samples uniformly.
/// </summary>
public sealed record MusicStyle
{
    public required string Name { get; init; }
    public required int MinBpm { get; init; }
    public required int MaxBpm { get; init; }
    /// <summary>Probability of 3/4 (else 4/4).</summary>
    public double ThreeFour { get; init; }
    public required double MinorProbability { get; init; }
    public required IReadOnlyList<Instrument> Melody { get; init; }
    public required IReadOnlyList<Instrument> Chords { get; init; }
    public double PadProbability { get; init; }
    public double BassProbability { get; init; } = 1;
    public double DrumsProbability { get; init; }
    public required AccompanimentFigure Figure { get; init; }
    public required BassFigure Bass { get; init; }
    public DrumPattern? Drums44 { get; init; }
    public DrumPattern? Drums34 { get; init; }
    /// <summary>Off-beat eighths land on the last third of the beat.</summary>
    public bool Swing { get; init; }
    /// <summary>Small random timing and velocity deviations (off for machine-made styles).</summary>
    public bool Humanize { get; init; } = true;
    /// <summary>Chords are voiced as sevenths.</summary>
    public bool Sevenths { get; init; }
    /// <summary>0 sparse (long notes), 1 medium, 2 busy.</summary>
    public required int MelodyDensity { get; init; }
    public required IReadOnlyList<string> Progressions { get; init; }
    public double Reverb { get; init; } = 0.15;
    /// <summary>Loudness the mix is normalised to (RMS, dBFS).</summary>
    public double TargetRmsDb { get; init; } = -18;
    /// <summary>Style-specific mood words for major and minor clips (added to the tempo × mode word).</summary>
    public required IReadOnlyList<string> MajorMoods { get; init; }
    public required IReadOnlyList<string> MinorMoods { get; init; }

    public static MusicStyle Named(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"unknown style '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})", nameof(name));

    private static readonly DrumPattern Rock = new(4, "x.......x.x.....", "....x.......x...", "o.o.o.o.o.o.o.o.", "................");

    public static readonly IReadOnlyList<MusicStyle> All =
    [
        new()
        {
            Name = "ambient", MinBpm = 60, MaxBpm = 84, MinorProbability = 0.5,
            Melody = [Instrument.Bells, Instrument.Flute, Instrument.Piano], Chords = [Instrument.Strings, Instrument.Organ],
            PadProbability = 0, BassProbability = 0.6, Figure = AccompanimentFigure.Sustain, Bass = BassFigure.Sustain,
            MelodyDensity = 0, Progressions = ["I–vi–IV–V", "I–IV–I–V", "i–VI–III–VII", "i–VII–VI–VII"],
            Reverb = 0.45, TargetRmsDb = -21, MajorMoods = ["dreamy", "ethereal", "spacious"], MinorMoods = ["dreamy", "haunting", "ethereal"],
        },
        new()
        {
            Name = "lofi", MinBpm = 70, MaxBpm = 92, MinorProbability = 0.5,
            Melody = [Instrument.Piano, Instrument.Flute, Instrument.Bells, Instrument.Guitar], Chords = [Instrument.Piano, Instrument.Organ],
            PadProbability = 0.3, DrumsProbability = 1, Figure = AccompanimentFigure.Block, Bass = BassFigure.Syncopated,
            Drums44 = new(3, "x.....x.x...", "...x.....x..", "o.go.go.go.g", "............"),
            Swing = true, Sevenths = true, MelodyDensity = 1, Progressions = ["ii–V–I–I", "I–vi–ii–V", "I–V–vi–IV", "i–iv–VII–III", "i–VI–iv–v"],
            Reverb = 0.2, TargetRmsDb = -19, MajorMoods = ["chill", "mellow", "nostalgic"], MinorMoods = ["chill", "nostalgic", "hazy"],
        },
        new()
        {
            Name = "techno", MinBpm = 120, MaxBpm = 136, MinorProbability = 0.75,
            Melody = [Instrument.SynthLead], Chords = [Instrument.Strings, Instrument.Organ],
            PadProbability = 0, DrumsProbability = 1, Figure = AccompanimentFigure.Stabs, Bass = BassFigure.Offbeat,
            Drums44 = new(4, "x...x...x...x...", "....o.......o...", "g.g.g.g.g.g.g.g.", "..o...o...o...o."),
            Humanize = false, MelodyDensity = 2, Progressions = ["I–V–vi–IV", "I–IV–V–I", "i–VII–VI–VII", "i–iv–v–i", "i–VI–III–VII"],
            Reverb = 0.1, TargetRmsDb = -15, MajorMoods = ["hypnotic", "pulsing"], MinorMoods = ["hypnotic", "pulsing", "relentless"],
        },
        new()
        {
            Name = "rock", MinBpm = 100, MaxBpm = 152, MinorProbability = 0.4,
            Melody = [Instrument.SynthLead, Instrument.Organ], Chords = [Instrument.Guitar],
            DrumsProbability = 1, Figure = AccompanimentFigure.Strum, Bass = BassFigure.Eighths, Drums44 = Rock,
            MelodyDensity = 2, Progressions = ["I–V–vi–IV", "I–IV–V–I", "I–IV–I–V", "i–VII–VI–VII", "i–VI–III–VII", "i–iv–VII–III"],
            Reverb = 0.12, TargetRmsDb = -15, MajorMoods = ["bold", "anthemic"], MinorMoods = ["gritty", "bold"],
        },
        new()
        {
            Name = "waltz", MinBpm = 84, MaxBpm = 160, ThreeFour = 1, MinorProbability = 0.4,
            Melody = [Instrument.Flute, Instrument.Piano, Instrument.Bells], Chords = [Instrument.Piano, Instrument.Guitar, Instrument.Organ],
            PadProbability = 0.5, DrumsProbability = 0.4, Figure = AccompanimentFigure.OomPah, Bass = BassFigure.RootFifth,
            Drums34 = new(4, "x...........", "............", "....o...o...", "............"),
            MelodyDensity = 1, Progressions = ["I–IV–I–V", "I–IV–V–I", "I–vi–ii–V", "i–iv–v–i", "i–VI–iv–v"],
            Reverb = 0.2, TargetRmsDb = -19, MajorMoods = ["elegant", "graceful"], MinorMoods = ["elegant", "wistful"],
        },
        new()
        {
            Name = "march", MinBpm = 100, MaxBpm = 126, MinorProbability = 0.2,
            Melody = [Instrument.Flute, Instrument.SynthLead, Instrument.Organ], Chords = [Instrument.Organ, Instrument.Piano],
            DrumsProbability = 1, Figure = AccompanimentFigure.Block, Bass = BassFigure.RootFifth,
            Drums44 = new(4, "x.......x.......", "x..oo.o.x..oo.o.", "................", "................"),
            MelodyDensity = 1, Progressions = ["I–IV–V–I", "I–IV–I–V", "I–V–vi–IV", "i–iv–v–i", "i–VI–III–VII"],
            Reverb = 0.12, TargetRmsDb = -17, MajorMoods = ["proud", "stately", "triumphant"], MinorMoods = ["stately", "resolute"],
        },
        new()
        {
            Name = "jazz", MinBpm = 90, MaxBpm = 170, MinorProbability = 0.35,
            Melody = [Instrument.Flute, Instrument.Piano, Instrument.Organ], Chords = [Instrument.Piano, Instrument.Organ],
            DrumsProbability = 1, Figure = AccompanimentFigure.Comp, Bass = BassFigure.Walking,
            Drums44 = new(3, "x.....x.....", "........g...", "o..o.oo..o.o", "............"),
            Swing = true, Sevenths = true, MelodyDensity = 1, Progressions = ["ii–V–I–I", "I–vi–ii–V", "ii°–v–i–i", "i–iv–VII–III"],
            Reverb = 0.18, TargetRmsDb = -19, MajorMoods = ["smooth", "swinging"], MinorMoods = ["smoky", "swinging"],
        },
        new()
        {
            Name = "ballad", MinBpm = 60, MaxBpm = 78, ThreeFour = 0.25, MinorProbability = 0.5,
            Melody = [Instrument.Piano, Instrument.Flute], Chords = [Instrument.Piano, Instrument.Guitar],
            PadProbability = 0.7, DrumsProbability = 0.5, Figure = AccompanimentFigure.Arpeggio, Bass = BassFigure.Sustain,
            Drums44 = new(4, "x.........x.....", "........o.......", "g.g.g.g.g.g.g.g.", "................"),
            Drums34 = new(4, "x...........", "........g...", "g.g.g.g.g.g.", "............"),
            MelodyDensity = 0, Progressions = ["I–V–vi–IV", "I–vi–IV–V", "I–IV–V–I", "i–VI–III–VII", "i–VI–iv–v", "i–iv–v–i"],
            Reverb = 0.3, TargetRmsDb = -20, MajorMoods = ["heartfelt", "tender"], MinorMoods = ["heartfelt", "yearning"],
        },
        new()
        {
            Name = "folk", MinBpm = 88, MaxBpm = 132, ThreeFour = 0.3, MinorProbability = 0.35,
            Melody = [Instrument.Flute, Instrument.Guitar], Chords = [Instrument.Guitar],
            PadProbability = 0.2, BassProbability = 0.7, DrumsProbability = 0.4, Figure = AccompanimentFigure.Strum, Bass = BassFigure.RootFifth,
            Drums44 = new(4, "x.......x.......", "....o.......o...", "................", "................"),
            Drums34 = new(4, "x...........", "....g...g...", "................"[..12], "............"),
            MelodyDensity = 1, Progressions = ["I–IV–I–V", "I–IV–V–I", "I–V–vi–IV", "i–VII–VI–VII", "i–iv–v–i", "i–VI–III–VII"],
            Reverb = 0.18, TargetRmsDb = -19, MajorMoods = ["rustic", "earthy"], MinorMoods = ["rustic", "wistful"],
        },
    ];
}

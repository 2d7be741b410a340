namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Everything that decides a clip: drawn from a style by <see cref="Random"/>, or written by hand
/// (a notebook can ask for "waltz in A minor at 96 BPM"). Same spec → bit-identical audio.
/// </summary>
public sealed record ClipSpec
{
    /// <summary>Seeds the composition (melody, rhythm choices, humanising) and the noise in the sounds.</summary>
    public long Seed { get; init; }
    public int SampleRate { get; init; } = 24000;
    public double DurationS { get; init; } = 10;
    public bool Stereo { get; init; }
    public required string Style { get; init; }
    public required int TempoBpm { get; init; }
    /// <summary>Tonic pitch class, 0 = C … 11 = B.</summary>
    public required int Key { get; init; }
    /// <summary>"major" or "minor".</summary>
    public required string Mode { get; init; }
    /// <summary>3 or 4 (quarter-note beats).</summary>
    public int BeatsPerBar { get; init; } = 4;
    public required string Progression { get; init; }
    public required Instrument Melody { get; init; }
    public required Instrument Chords { get; init; }
    /// <summary>A held string pad under the chords.</summary>
    public bool Pad { get; init; }
    public bool Bass { get; init; } = true;
    public bool Drums { get; init; }
    /// <summary>Mood words; derived from tempo, mode and style by <see cref="MoodsFor"/> when drawn at random.</summary>
    public required IReadOnlyList<string> Mood { get; init; }

    public string Meter => $"{BeatsPerBar}/4";
    public string KeyName => MusicTheory.PitchClassNames[Key];

    /// <summary>Draws a clip spec: a style uniformly (or <paramref name="style"/>), then tempo, meter, mode, key, progression and instruments from it.</summary>
    public static ClipSpec Random(long seed, int sampleRate = 24000, double durationS = 10, bool stereo = false, string? style = null)
    {
        var rng = new Rng(Rng.Derive(seed, 0x5EC));
        var s = style is null ? rng.Pick(MusicStyle.All) : MusicStyle.Named(style);
        int bpm = rng.Between(s.MinBpm, s.MaxBpm);
        int beats = rng.Chance(s.ThreeFour) ? 3 : 4;
        string mode = rng.Chance(s.MinorProbability) ? "minor" : "major";
        var progressions = s.Progressions.Select(Synthesis.Progression.Named).Where(p => p.Mode == mode).ToList();
        if (progressions.Count == 0) throw new InvalidOperationException($"style {s.Name} has no {mode} progression");
        var spec = new ClipSpec
        {
            Seed = seed,
            SampleRate = sampleRate,
            DurationS = durationS,
            Stereo = stereo,
            Style = s.Name,
            TempoBpm = bpm,
            Key = rng.Next(12),
            Mode = mode,
            BeatsPerBar = beats,
            Progression = rng.Pick(progressions).Name,
            Melody = rng.Pick(s.Melody),
            Chords = rng.Pick(s.Chords),
            Pad = rng.Chance(s.PadProbability),
            Bass = rng.Chance(s.BassProbability),
            Drums = rng.Chance(s.DrumsProbability) && (beats == 4 ? s.Drums44 : s.Drums34) is not null,
            Mood = [],
        };
        return spec with { Mood = MoodsFor(s, bpm, mode, rng) };
    }

    /// <summary>Tempo class of a BPM as caption words use it: "slow" below 80, "fast" from 120.</summary>
    public static string TempoClass(int bpm) => bpm < 80 ? "slow" : bpm < 120 ? "moderate" : "fast";

    /// <summary>Mood words tied to tempo and mode (slow + minor → melancholic, fast + major → upbeat …).</summary>
    public static IReadOnlyDictionary<(string Tempo, string Mode), string[]> TempoModeMoods { get; } = new Dictionary<(string, string), string[]>
    {
        [("slow", "minor")] = ["melancholic", "somber", "wistful", "sad"],
        [("slow", "major")] = ["calm", "peaceful", "serene", "gentle"],
        [("moderate", "minor")] = ["moody", "mysterious", "pensive", "bittersweet"],
        [("moderate", "major")] = ["warm", "relaxed", "cheerful", "sunny"],
        [("fast", "minor")] = ["dark", "intense", "urgent", "driving"],
        [("fast", "major")] = ["upbeat", "joyful", "energetic", "lively"],
    };

    /// <summary>One tempo × mode word and one style word, distinct.</summary>
    public static IReadOnlyList<string> MoodsFor(MusicStyle style, int bpm, string mode, Rng rng)
    {
        var first = rng.Pick(TempoModeMoods[(TempoClass(bpm), mode)]);
        var flavours = (mode == "major" ? style.MajorMoods : style.MinorMoods).Where(w => w != first).ToList();
        return [first, rng.Pick(flavours)];
    }

    /// <summary>Instrument ids in the clip, lead first (melody, chords, pad, bass, drums), without duplicates.</summary>
    public IReadOnlyList<string> InstrumentIds()
    {
        var list = new List<Instrument> { Melody, Chords };
        if (Pad) list.Add(Instrument.Strings);
        if (Bass) list.Add(Instrument.Bass);
        if (Drums) list.Add(Instrument.Drums);
        return list.Distinct().Select(i => i.Id()).ToList();
    }

    /// <summary>Checks ranges; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (SampleRate < 8000) throw new ArgumentException($"sample rate must be at least 8000 Hz, got {SampleRate}");
        if (!(DurationS > 0) || DurationS > 600) throw new ArgumentException($"duration must be in (0, 600] s, got {DurationS}");
        if (TempoBpm < 40 || TempoBpm > 240) throw new ArgumentException($"tempo must be 40–240 BPM, got {TempoBpm}");
        if (Key is < 0 or > 11) throw new ArgumentException($"key must be a pitch class 0–11, got {Key}");
        if (BeatsPerBar is not (3 or 4)) throw new ArgumentException($"beats per bar must be 3 or 4, got {BeatsPerBar}");
        MusicTheory.Scale(Mode);
        var p = Synthesis.Progression.Named(Progression);
        if (p.Mode != Mode) throw new ArgumentException($"progression {Progression} is {p.Mode}, the clip is {Mode}");
        MusicStyle.Named(Style);
        if (Melody == Instrument.Drums || Chords == Instrument.Drums) throw new ArgumentException("drums cannot play the melody or chords");
    }
}

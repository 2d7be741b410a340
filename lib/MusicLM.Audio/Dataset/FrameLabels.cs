using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Dataset;

/// <summary>
/// Ground truth per frame of a synthetic clip, from its note events: what a token of that frame could
/// know about the music (chord root, pitch classes sounding, beat phase, instruments, style). Frame t
/// stands for the instant (t + ½) / <see cref="FrameRate"/>, the middle of its hop. Tokenizers measured
/// against these labels (notebook 03) should ask for the same number of frames as they produce.
/// </summary>
public sealed class FrameLabels
{
    private readonly Dictionary<FrameLabelKind, int[]> _labels;

    private FrameLabels(double frameRate, int beatPhaseBins, Dictionary<FrameLabelKind, int[]> labels)
    {
        (FrameRate, BeatPhaseBins, _labels) = (frameRate, beatPhaseBins, labels);
    }

    public double FrameRate { get; }
    public int BeatPhaseBins { get; }
    public int Frames => _labels[FrameLabelKind.Style].Length;

    /// <summary>The labels of one kind, one per frame.</summary>
    public IReadOnlyList<int> this[FrameLabelKind kind] => _labels[kind];

    /// <summary>Number of distinct values a kind can take (its chance level is at most 1 / this).</summary>
    public int ClassCount(FrameLabelKind kind) => kind switch
    {
        FrameLabelKind.ChordRoot => 13,
        FrameLabelKind.PitchClasses => 1 << 12,
        FrameLabelKind.BeatPhase => BeatPhaseBins,
        FrameLabelKind.Instruments => 1 << Enum.GetValues<Instrument>().Length,
        FrameLabelKind.Style => MusicStyle.All.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Labels for a clip generated in memory (<see cref="SyntheticMusic.Generate(long, int, double, bool)"/>).</summary>
    public static FrameLabels Of(SynthesizedClip clip, int frames, double frameRate = 25, int beatPhaseBins = 4) =>
        Of(clip.Notes, clip.Attributes.Key, clip.Attributes.Mode, clip.Attributes.TempoBpm, clip.Score.Spec.BeatsPerBar,
           clip.Attributes.Style, frames, frameRate, beatPhaseBins);

    /// <summary>Labels for a synthetic dataset clip on disk: its manifest line and the note sidecar beside it.</summary>
    public static FrameLabels Of(ManifestEntry entry, string manifestDirectory, int frames, double frameRate = 25, int beatPhaseBins = 4)
    {
        if (entry.Notes is null || entry.Key is null || entry.Mode is null || entry.TempoBpm is null || entry.Style is null || entry.Meter is null)
            throw new InvalidDataException($"clip {entry.Id}: frame labels need the synthetic ground truth (notes, key, mode, tempo, meter, style); this entry lacks some");
        var notes = NoteSidecar.Read(Path.Combine(manifestDirectory, entry.Notes));
        int beatsPerBar = entry.Meter switch
        {
            "3/4" => 3,
            "4/4" => 4,
            _ => throw new InvalidDataException($"clip {entry.Id}: unknown meter '{entry.Meter}'"),
        };
        return Of(notes, entry.Key, entry.Mode, entry.TempoBpm.Value, beatsPerBar, entry.Style, frames, frameRate, beatPhaseBins);
    }

    /// <summary>Labels from note events and the clip's key, mode, tempo and meter (bars start at 0 s, one chord per bar).</summary>
    public static FrameLabels Of(IReadOnlyList<NoteEvent> notes, string key, string mode, double tempoBpm, int beatsPerBar, string style,
        int frames, double frameRate = 25, int beatPhaseBins = 4)
    {
        ArgumentNullException.ThrowIfNull(notes);
        if (frames < 0) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a frame count ≥ 0");
        if (!(frameRate > 0)) throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "a positive frame rate");
        if (!(tempoBpm > 0)) throw new ArgumentOutOfRangeException(nameof(tempoBpm), tempoBpm, "a positive tempo");
        if (beatsPerBar < 1) throw new ArgumentOutOfRangeException(nameof(beatsPerBar), beatsPerBar, "at least one beat per bar");
        if (beatPhaseBins < 1) throw new ArgumentOutOfRangeException(nameof(beatPhaseBins), beatPhaseBins, "at least one bin");
        int tonic = MusicTheory.PitchClass(key);
        var scale = MusicTheory.Scale(mode);
        int styleIndex = IndexOfStyle(style);
        double beatS = 60.0 / tempoBpm, barS = beatS * beatsPerBar;

        var roots = ChordRoots(notes, tonic, scale, barS, frames / frameRate + barS);
        var labels = new Dictionary<FrameLabelKind, int[]>();
        foreach (var kind in Enum.GetValues<FrameLabelKind>()) labels[kind] = new int[frames];
        // Notes sorted by onset, scanned once: a note sounds at t when onset ≤ t < onset + duration.
        var sorted = notes.OrderBy(n => n.OnsetS).ToArray();
        var sounding = new List<NoteEvent>();
        int next = 0;
        for (int f = 0; f < frames; f++)
        {
            double t = (f + 0.5) / frameRate;
            while (next < sorted.Length && sorted[next].OnsetS <= t) sounding.Add(sorted[next++]);
            sounding.RemoveAll(n => n.OnsetS + n.DurationS <= t);
            int pcs = 0, instruments = 0;
            foreach (var n in sounding)
            {
                instruments |= 1 << (int)InstrumentNames.Parse(n.Instrument);
                if (n.Part != "drums") pcs |= 1 << (((n.Pitch % 12) + 12) % 12);
            }
            int bar = (int)Math.Floor(t / barS);
            double beatPos = t / beatS;
            labels[FrameLabelKind.ChordRoot][f] = bar < roots.Length ? roots[bar] : 12;
            labels[FrameLabelKind.PitchClasses][f] = pcs;
            labels[FrameLabelKind.BeatPhase][f] = Math.Min(beatPhaseBins - 1, (int)Math.Floor((beatPos - Math.Floor(beatPos)) * beatPhaseBins));
            labels[FrameLabelKind.Instruments][f] = instruments;
            labels[FrameLabelKind.Style][f] = styleIndex;
        }
        return new FrameLabels(frameRate, beatPhaseBins, labels);
    }

    private static int IndexOfStyle(string style)
    {
        for (int i = 0; i < MusicStyle.All.Count; i++)
            if (MusicStyle.All[i].Name == style) return i;
        throw new ArgumentException($"unknown style '{style}' (known: {string.Join(", ", MusicStyle.All.Select(s => s.Name))})", nameof(style));
    }

    /// <summary>
    /// The root of each bar's chord: the chord and pad notes starting in the bar (a little early counts: strums and
    /// humanised timing) are diatonic thirds stacked on one scale degree, and that degree is the root. A bar whose notes
    /// do not stack so (none, or not diatonic) falls back to its lowest chord note, or 12 when it has none.
    /// </summary>
    private static int[] ChordRoots(IReadOnlyList<NoteEvent> notes, int tonic, IReadOnlyList<int> scale, double barS, double untilS)
    {
        const double early = 0.05;
        int bars = Math.Max(0, (int)Math.Ceiling(untilS / barS));
        var roots = new int[bars];
        for (int b = 0; b < bars; b++)
        {
            double start = b * barS - early, end = (b + 1) * barS - early;
            var inBar = notes.Where(n => n.Part is "chords" or "pad" && n.OnsetS >= start && n.OnsetS < end).ToList();
            if (inBar.Count == 0) { roots[b] = 12; continue; }
            var pcs = inBar.Select(n => ((n.Pitch % 12) + 12) % 12).Distinct().ToList();
            var degrees = pcs.Select(pc => IndexOf(scale, ((pc - tonic) % 12 + 12) % 12)).ToList();
            int root = -1;
            if (degrees.All(d => d >= 0))
                foreach (var r in degrees)
                    if (degrees.All(d => ((d - r) % 7 + 7) % 7 is 0 or 2 or 4 or 6)) { root = (tonic + scale[r]) % 12; break; }
            roots[b] = root >= 0 ? root : ((inBar.Min(n => n.Pitch) % 12) + 12) % 12;
        }
        return roots;
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }
}

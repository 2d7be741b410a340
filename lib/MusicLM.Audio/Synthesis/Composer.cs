namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Spec → note events: one chord per bar from the progression, a bass on the chord roots (with passing
/// tones), an accompaniment figure, an optional pad, a phrase-structured melody that favours chord tones
/// on strong beats, and a drum pattern. All pitches are diatonic, so the key's scale holds the pitch content.
/// </summary>
internal sealed class Composer
{
    private readonly ClipSpec _spec;
    private readonly MusicStyle _style;
    private readonly Rng _rng;
    private readonly IReadOnlyList<int> _scale;
    private readonly IReadOnlyList<int> _progression;
    private readonly double _beatS;
    private readonly int _bpb;
    private readonly int _phraseBars;
    private readonly List<NoteEvent> _events = [];

    private Composer(ClipSpec spec)
    {
        _spec = spec;
        _style = MusicStyle.Named(spec.Style);
        _rng = new Rng(Rng.Derive(spec.Seed, 0xC0));
        _scale = MusicTheory.Scale(spec.Mode);
        _progression = Progression.Named(spec.Progression).Degrees;
        _beatS = 60.0 / spec.TempoBpm;
        _bpb = spec.BeatsPerBar;
        _phraseBars = _beatS * _bpb < 2.5 ? 4 : 2;
    }

    public static List<NoteEvent> Compose(ClipSpec spec)
    {
        var c = new Composer(spec);
        c.Run();
        return c._events.OrderBy(e => e.OnsetS).ThenBy(e => e.Part, StringComparer.Ordinal).ThenBy(e => e.Pitch).ToList();
    }

    private int Bars => (int)Math.Ceiling(_spec.DurationS / (_beatS * _bpb) - 1e-9);

    private void Run()
    {
        for (int bar = 0; bar < Bars; bar++)
        {
            int root = _progression[bar % _progression.Count];
            int next = _progression[(bar + 1) % _progression.Count];
            Chords(bar, root);
            if (_spec.Pad) Pad(bar, root);
            if (_spec.Bass) BassLine(bar, root, next);
            if (_spec.Drums) Drums(bar);
        }
        Melody();
    }

    // ---- pitch helpers: absolute scale degrees (0 = tonic) → MIDI --------------------------------------

    private int TonicMidi => _spec.Key <= 6 ? 60 + _spec.Key : 48 + _spec.Key;   // 54…66: middle of the keyboard

    private int Midi(int degree, int tonic) => tonic + 12 * FloorDiv(degree, 7) + _scale[Mod(degree, 7)];

    private static int Mod(int a, int m) => ((a % m) + m) % m;
    private static int FloorDiv(int a, int m) => (int)Math.Floor((double)a / m);

    private int[] ChordDegrees(int root) => _style.Sevenths ? [root, root + 2, root + 4, root + 6] : [root, root + 2, root + 4];

    /// <summary>Each chord tone placed in [lo, lo + 12), sorted: close position with natural inversions.</summary>
    private List<int> Voicing(int root, int lo)
    {
        var v = ChordDegrees(root).Select(d => lo + Mod(Midi(d, TonicMidi) - lo, 12)).ToList();
        v.Sort();
        return v;
    }

    private int BassMidi(int degree)
    {
        int p = Midi(degree, 36 + _spec.Key);
        while (p > 50) p -= 12;
        while (p < 28) p += 12;
        return p;
    }

    // ---- time and dynamics -----------------------------------------------------------------------------

    /// <summary>Swing moves off-beat eighths to the last third of the beat.</summary>
    private double Swung(double beatPos)
    {
        if (!_style.Swing) return beatPos;
        double whole = Math.Floor(beatPos);
        return Math.Abs(beatPos - whole - 0.5) < 1e-9 ? whole + 2.0 / 3.0 : beatPos;
    }

    private double Jitter(double sd) => _style.Humanize ? Math.Clamp(_rng.Gaussian() * sd, -2 * sd, 2 * sd) : 0;

    /// <summary>Accents on the downbeat (and beat 3 of 4/4), softer off-beats, a crescendo through each phrase.</summary>
    private int Velocity(int baseVel, int bar, double beatPos)
    {
        double accent = beatPos == 0 ? 14 : _bpb == 4 && beatPos == 2 ? 6 : beatPos == Math.Floor(beatPos) ? 0 : -8;
        int inPhrase = bar % _phraseBars;
        double crescendo = (double)inPhrase / (_phraseBars - 1) * 12 - 6;
        double human = _style.Humanize ? _rng.Gaussian() * 3 : 0;
        return (int)Math.Clamp(Math.Round(baseVel + accent + crescendo + human), 1, 127);
    }

    /// <summary>Adds a note at (bar, beat position) with a length in beats; drops what starts after the clip and trims what runs past it.</summary>
    private void Add(int bar, double beatPos, double beats, int pitch, int velocity, Instrument instrument, string part,
        double offsetS = 0, bool swing = true, double jitterS = 0.006)
    {
        double onset = (bar * _bpb + (swing ? Swung(beatPos) : beatPos)) * _beatS + offsetS + Jitter(jitterS);
        onset = Math.Max(0, onset);
        if (onset >= _spec.DurationS - 0.02) return;
        double dur = Math.Min(beats * _beatS, _spec.DurationS - onset);
        _events.Add(new NoteEvent(Math.Round(onset, 4), Math.Round(dur, 4), pitch, velocity, instrument.Id(), part));
    }

    // ---- parts ------------------------------------------------------------------------------------------

    private void Chords(int bar, int root)
    {
        var inst = _spec.Chords;
        var v = Voicing(root, 55);
        const int vel = 68;
        void Hit(double pos, double beats, int velocity)
        {
            foreach (var p in v) Add(bar, pos, beats, p, velocity, inst, "chords");
        }
        switch (_style.Figure)
        {
            case AccompanimentFigure.Sustain:
                Hit(0, _bpb, Velocity(vel - 10, bar, 0));
                break;
            case AccompanimentFigure.Block when _style.Swing:
                foreach (var (pos, len) in _bpb == 4 ? new[] { (0.0, 1.4), (1.5, 0.9), (3.0, 0.9) } : [(0.0, 1.4), (1.5, 1.4)])
                    Hit(pos, len, Velocity(vel, bar, pos));
                break;
            case AccompanimentFigure.Block:
                for (int b = 0; b < _bpb; b++) Hit(b, 0.6, Velocity(vel, bar, b));
                break;
            case AccompanimentFigure.Arpeggio:
            {
                var tones = v.Concat([v[0] + 12]).ToList();
                int[] order = [0, 1, 2, 3, 2, 1, 0, 1];
                for (int i = 0; i < 2 * _bpb; i++)
                {
                    double pos = 0.5 * i;
                    Add(bar, pos, 1.0, tones[order[i % order.Length] % tones.Count], Velocity(vel - 8, bar, pos), inst, "chords");
                }
                break;
            }
            case AccompanimentFigure.Strum:
            {
                // Down strokes sound low → high, up strokes high → low and softer; each stroke rings until the next.
                var strings = new List<int> { BassMidi(root) + 12 };
                strings.AddRange(v);
                (double Pos, bool Down)[] strokes = _bpb == 4
                    ? [(0, true), (1, true), (1.5, false), (2.5, false), (3, true), (3.5, false)]
                    : [(0, true), (1, true), (1.5, false), (2, true), (2.5, false)];
                for (int k = 0; k < strokes.Length; k++)
                {
                    var (pos, down) = strokes[k];
                    double len = (k + 1 < strokes.Length ? strokes[k + 1].Pos : _bpb) - pos;
                    int velocity = Velocity(down ? vel : vel - 12, bar, pos);
                    for (int s = 0; s < strings.Count; s++)
                    {
                        int idx = down ? s : strings.Count - 1 - s;
                        Add(bar, pos, len, strings[idx], velocity, inst, "chords", offsetS: 0.012 * s);
                    }
                }
                break;
            }
            case AccompanimentFigure.OomPah:
                for (int b = 1; b < _bpb; b += _bpb == 4 ? 2 : 1) Hit(b, 0.7, Velocity(vel - 6, bar, b));
                break;
            case AccompanimentFigure.Comp:
            {
                (double, double)[][] patterns =
                [
                    [(0, 0.9), (2.5, 0.5)],
                    [(1.5, 0.5), (3, 0.9)],
                    [(0, 0.5), (1.5, 0.5), (2.5, 0.5)],
                ];
                foreach (var (pos, len) in _rng.Pick(patterns))
                    if (pos < _bpb) Hit(pos, len, Velocity(vel - 4, bar, pos));
                break;
            }
            case AccompanimentFigure.Stabs:
                for (int b = 0; b < _bpb; b++) Hit(b + 0.5, 0.3, Velocity(vel, bar, b + 0.5));
                break;
        }
    }

    private void Pad(int bar, int root)
    {
        foreach (var p in Voicing(root, 48)) Add(bar, 0, _bpb, p, Velocity(52, bar, 0), Instrument.Strings, "pad", jitterS: 0);
    }

    private void BassLine(int bar, int root, int next)
    {
        const int vel = 86;
        // A scale step into the next root, from the side the line is coming from.
        int approach = next + (next >= root ? -1 : 1);
        void Note(double pos, double beats, int degree) => Add(bar, pos, beats, BassMidi(degree), Velocity(vel, bar, pos), Instrument.Bass, "bass");
        switch (_style.Bass)
        {
            case BassFigure.Sustain:
                Note(0, _bpb, root);
                break;
            case BassFigure.RootFifth:
                if (_style.Figure == AccompanimentFigure.OomPah) Note(0, 0.9, root);
                else if (_bpb == 4) { Note(0, 1.9, root); Note(2, 1.9, root + 4); }
                else { Note(0, 1.9, root); Note(2, 0.9, root + 4); }
                break;
            case BassFigure.Eighths:
                for (int i = 0; i < 2 * _bpb; i++) Note(0.5 * i, 0.45, i == 2 * _bpb - 1 ? approach : root);
                break;
            case BassFigure.Walking:
                Note(0, 0.95, root);
                for (int b = 1; b < _bpb - 1; b++) Note(b, 0.95, root + _rng.Pick(new[] { 2, 4, 5 }));
                Note(_bpb - 1, 0.95, approach);
                break;
            case BassFigure.Offbeat:
                for (int b = 0; b < _bpb; b++) Note(b + 0.5, 0.4, root);
                break;
            case BassFigure.Syncopated:
                Note(0, 1.4, root);
                Note(1.5, 0.9, root);
                if (_bpb == 4) Note(2.5, 0.9, root + 4);
                Note(_bpb - 0.5, 0.45, approach);
                break;
        }
    }

    private void Drums(int bar)
    {
        var pattern = (_bpb == 4 ? _style.Drums44 : _style.Drums34)!;
        bool fill = _style.Name is "rock" or "march" && bar % 4 == 3 && pattern.StepsPerBeat == 4;
        foreach (var (pitch, steps) in pattern.Lines)
        {
            for (int i = 0; i < steps.Length; i++)
            {
                char c = steps[i];
                if (pitch == InstrumentNames.Snare && fill && i >= steps.Length - pattern.StepsPerBeat) c = i % 2 == 0 ? 'x' : 'o';
                if (c == '.') continue;
                double pos = (double)i / pattern.StepsPerBeat;
                int baseVel = c switch { 'x' => 108, 'o' => 86, _ => 48 };
                int v = Math.Clamp(baseVel + (i == 0 ? 8 : 0) + (int)Math.Round(_style.Humanize ? _rng.Gaussian() * 3 : 0), 1, 127);
                double beats = pitch switch
                {
                    InstrumentNames.Kick => 0.35, InstrumentNames.Snare => 0.25, InstrumentNames.ClosedHat => 0.08, _ => 0.4,
                } / _beatS;
                Add(bar, pos, beats, pitch, v, Instrument.Drums, "drums", swing: false, jitterS: 0.004);
            }
        }
    }

    private void Melody()
    {
        var inst = _spec.Melody;
        int tonic = TonicMidi + 12;
        const int lo = -3, hi = 8;          // range in scale degrees around the melody's tonic
        int baseVel = _style.MelodyDensity == 0 ? 76 : 90;
        int cur = _rng.Pick(new[] { 0, 2, 4 });
        List<double> motif = [];
        for (int bar = 0; bar < Bars; bar++)
        {
            int inPhrase = bar % _phraseBars;
            bool cadence = inPhrase == _phraseBars - 1;
            int root = _progression[bar % _progression.Count];
            var chordTones = ChordDegrees(root).Select(d => Mod(d, 7)).ToHashSet();
            if (inPhrase == 0) motif = BarRhythm();
            var rhythm = cadence ? CadenceRhythm(motif) : inPhrase % 2 == 0 || _rng.Chance(0.5) ? motif : BarRhythm();
            double pos = 0;
            for (int n = 0; n < rhythm.Count; n++)
            {
                double len = rhythm[n];
                bool last = n == rhythm.Count - 1;
                bool rest = n > 0 && !cadence && _rng.Chance(_style.MelodyDensity == 0 ? 0.08 : 0.12);
                if (!rest)
                {
                    bool strong = pos == 0 || (_bpb == 4 && pos == 2) || len >= 1.5 || (cadence && last);
                    double rising = (double)inPhrase / _phraseBars < 0.5 ? 1 : -1;
                    if (strong)
                    {
                        var targets = cadence && last ? new HashSet<int> { Mod(root, 7), Mod(root + 2, 7) } : chordTones;
                        var cands = Enumerable.Range(cur - 4, 9).Where(d => d >= lo && d <= hi && targets.Contains(Mod(d, 7))).ToList();
                        if (cands.Count == 0) cands = Enumerable.Range(lo, hi - lo + 1).Where(d => targets.Contains(Mod(d, 7))).ToList();
                        var weights = cands.Select(d => 1.0 / (1 + Math.Abs(d - cur)) * (d == cur ? 0.6 : 1) * (Math.Sign(d - cur) == rising ? 1.5 : 1)).ToList();
                        cur = cands[_rng.PickWeighted(weights)];
                    }
                    else
                    {
                        int[] steps = [-2, -1, 0, 1, 2];
                        var weights = steps.Select(s => (Math.Abs(s) == 1 ? 3.0 : 1.0) * (Math.Sign(s) == rising ? 1.6 : 1)).ToList();
                        int next = cur + steps[_rng.PickWeighted(weights)];
                        if (next < lo || next > hi) next = cur - (next - cur);
                        cur = Math.Clamp(next, lo, hi);
                    }
                    double gate = inst is Instrument.Flute or Instrument.SynthLead or Instrument.Organ ? 0.92 : 0.98;
                    Add(bar, pos, len * gate, Midi(cur, tonic), Velocity(baseVel, bar, pos), inst, "melody");
                }
                pos += len;
            }
        }
    }

    /// <summary>Note lengths (in beats) filling one bar, from cells that suit the style's density.</summary>
    private List<double> BarRhythm()
    {
        double[][] cells = _style.MelodyDensity switch
        {
            0 => [[2], [1, 1], [3, 1], [1.5, 0.5], [4]],
            1 => [[1], [0.5, 0.5], [1.5, 0.5], [2], [1, 0.5, 0.5]],
            _ => [[0.5, 0.5], [0.25, 0.25, 0.5], [0.5, 0.25, 0.25], [1], [0.75, 0.25], [0.5, 0.5]],
        };
        var r = new List<double>();
        double left = _bpb;
        while (left > 1e-9)
        {
            var fit = cells.Where(c => c.Sum() <= left + 1e-9).ToList();
            var cell = fit.Count > 0 ? _rng.Pick(fit) : [left];
            r.AddRange(cell);
            left -= cell.Sum();
        }
        return r;
    }

    /// <summary>A phrase ends on a long note: the motif's first beat, then the rest of the bar held.</summary>
    private static List<double> CadenceRhythm(List<double> motif)
    {
        var r = new List<double>();
        double pos = 0, total = motif.Sum();
        foreach (var len in motif)
        {
            if (pos + len > 1 + 1e-9) break;
            r.Add(len);
            pos += len;
        }
        if (r.Count == 0) { r.Add(1); pos = 1; }
        r.Add(total - pos);
        return r;
    }
}

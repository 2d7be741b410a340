namespace MusicLM.Audio.Tests.Analysis;

/// <summary>Drum styles of the little test synthesizer.</summary>
public enum Groove { Rock, Swing, HalfTime, Disco, None }

/// <summary>
/// A small, independent music synthesizer for the analysis tests: drums (kick, snare, hats) in a few
/// grooves or none, a bass on chord roots, triads of sawtooth-like tones with harmonics following a
/// progression in the key (one chord per bar), and a melody from the scale. Deterministic per seed.
/// </summary>
internal static class TestMusic
{
    private static readonly int[] MajorScale = { 0, 2, 4, 5, 7, 9, 11 };
    private static readonly int[] MinorScale = { 0, 2, 3, 5, 7, 8, 10 };
    // Progressions as scale degrees (0-based); minor ones may use a major V (harmonic minor).
    private static readonly int[][] MajorProgressions = { new[] { 0, 4, 5, 3 }, new[] { 0, 3, 4, 0 }, new[] { 0, 5, 3, 4 }, new[] { 0, 3, 0, 4 } };
    private static readonly int[][] MinorProgressions = { new[] { 0, 5, 2, 6 }, new[] { 0, 3, 4, 0 }, new[] { 0, 5, 3, 4 }, new[] { 0, 6, 5, 6 } };

    public sealed record Piece(float[] Samples, int SampleRate, double Bpm, int Tonic, bool Minor, int BeatsPerBar, Groove Groove);

    public static Piece Make(double bpm, int tonic, bool minor, int beatsPerBar, Groove groove, int seed, double seconds = 10, int sampleRate = 22050)
    {
        var rng = new Random(seed);
        int n = (int)(seconds * sampleRate);
        var y = new double[n];
        double beat = 60.0 / bpm;
        double bar = beat * beatsPerBar;
        var scale = minor ? MinorScale : MajorScale;
        var progs = minor ? MinorProgressions : MajorProgressions;
        var prog = progs[rng.Next(progs.Length)];
        double offset = rng.NextDouble() * beat;            // the music does not start on sample 0
        double swing = groove == Groove.Swing ? 2.0 / 3 : 0.5;

        int bars = (int)Math.Ceiling(seconds / bar) + 1;
        for (int b = 0; b < bars; b++)
        {
            double t0 = offset + b * bar;
            int degree = prog[b % prog.Length];
            int root = scale[degree];
            // Triad from the scale; in minor the V chord gets its leading tone.
            int third = scale[(degree + 2) % 7] + ((degree + 2) / 7) * 12;
            int fifth = scale[(degree + 4) % 7] + ((degree + 4) / 7) * 12;
            if (minor && degree == 4) third = 11;
            if (third < root) third += 12;
            if (fifth < third) fifth += 12;
            int baseMidi = 48 + tonic; // C3 + tonic
            bool ambient = groove == Groove.None;
            // Chords: sustained pads in ambient, stabs on every beat otherwise.
            foreach (int iv in new[] { root, third, fifth })
            {
                double f = Midi(baseMidi + 12 + iv);
                if (ambient) Tone(y, sampleRate, t0, bar * 0.98, f, 0.06, harmonics: 6, attack: 0.15, decay: 0);
                else for (int k = 0; k < beatsPerBar; k++) Tone(y, sampleRate, t0 + k * beat, beat * 0.8, f, 0.05, harmonics: 6, attack: 0.005, decay: 3);
            }
            // Bass on the root: whole bar in ambient, beats 1 (and 3) otherwise, each beat in Disco.
            double fb = Midi(baseMidi - 12 + root);
            if (ambient) Tone(y, sampleRate, t0, bar * 0.95, fb, 0.16, harmonics: 4, attack: 0.05, decay: 0.5);
            else
                for (int k = 0; k < beatsPerBar; k++)
                    if (groove == Groove.Disco || k == 0 || (beatsPerBar == 4 && k == 2))
                        Tone(y, sampleRate, t0 + k * beat, beat * 0.9, fb, 0.16, harmonics: 4, attack: 0.005, decay: 4);
            // Melody: quarter and eighth notes from the scale around the tonic.
            double t = t0;
            int step = rng.Next(7);
            while (t < t0 + bar - 1e-9)
            {
                double dur = (rng.NextDouble() < 0.6 ? 1.0 : 0.5) * beat;
                if (t + dur > t0 + bar + 1e-9) dur = t0 + bar - t;
                step = Math.Clamp(step + rng.Next(-2, 3), 0, 9);
                int midi = baseMidi + 24 + scale[step % 7] + 12 * (step / 7);
                if (rng.NextDouble() < 0.85) Tone(y, sampleRate, t, dur * 0.9, Midi(midi), 0.07, harmonics: 3, attack: ambient ? 0.03 : 0.005, decay: 2);
                t += dur;
            }
            // Drums.
            for (int k = 0; k < beatsPerBar && groove != Groove.None; k++)
            {
                double tb = t0 + k * beat;
                bool kick = groove switch
                {
                    Groove.HalfTime => k == 0,
                    Groove.Disco => true,
                    _ => k == 0 || (beatsPerBar == 4 && k == 2),
                };
                bool snare = groove switch
                {
                    Groove.HalfTime => beatsPerBar == 4 ? k == 2 : k == 1,
                    _ => beatsPerBar == 4 ? k % 2 == 1 : k > 0,
                };
                if (kick) Kick(y, sampleRate, tb);
                if (snare) Noise(y, sampleRate, tb, 0.12, 0.35, 18, rng, highpass: false);
                Noise(y, sampleRate, tb, 0.04, 0.08, 60, rng, highpass: true);                       // hat on the beat
                Noise(y, sampleRate, tb + swing * beat, 0.04, 0.06, 60, rng, highpass: true);        // hat off the beat
            }
        }
        double peak = y.Max(Math.Abs);
        var s = new float[n];
        for (int i = 0; i < n; i++) s[i] = (float)(0.8 * y[i] / peak);
        return new Piece(s, sampleRate, bpm, tonic, minor, beatsPerBar, groove);
    }

    public static double Midi(double m) => 440.0 * Math.Pow(2, (m - 69) / 12.0);

    /// <summary>A tone with 1/h harmonics, a linear attack, an exponential decay (per second) and a short release.</summary>
    public static void Tone(double[] y, int sr, double start, double dur, double f, double amp, int harmonics, double attack, double decay)
    {
        int i0 = (int)(start * sr), len = (int)(dur * sr);
        for (int i = Math.Max(0, i0); i < Math.Min(y.Length, i0 + len); i++)
        {
            double t = (double)(i - i0) / sr;
            double env = Math.Min(1, t / Math.Max(attack, 1e-4)) * Math.Exp(-decay * t) * Math.Min(1, (dur - t) / 0.01);
            double v = 0;
            for (int h = 1; h <= harmonics; h++)
                if (h * f < sr / 2.0) v += Math.Sin(2 * Math.PI * h * f * t) / h;
            y[i] += amp * env * v;
        }
    }

    private static void Kick(double[] y, int sr, double start)
    {
        int i0 = (int)(start * sr);
        double phase = 0;
        for (int i = Math.Max(0, i0); i < Math.Min(y.Length, i0 + (int)(0.25 * sr)); i++)
        {
            double t = (double)(i - i0) / sr;
            phase += 2 * Math.PI * (50 + 90 * Math.Exp(-t * 30)) / sr;
            y[i] += 0.6 * Math.Exp(-t * 14) * Math.Sin(phase);
        }
    }

    private static void Noise(double[] y, int sr, double start, double dur, double amp, double decay, Random rng, bool highpass)
    {
        int i0 = (int)(start * sr);
        double prev = 0;
        for (int i = Math.Max(0, i0); i < Math.Min(y.Length, i0 + (int)(dur * sr)); i++)
        {
            double t = (double)(i - i0) / sr;
            double w = rng.NextDouble() * 2 - 1;
            double v = highpass ? w - prev : w;   // a first difference tilts the noise towards high frequencies
            prev = w;
            y[i] += amp * Math.Exp(-t * decay) * v;
        }
    }
}

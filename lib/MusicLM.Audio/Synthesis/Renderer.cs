namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Note events → audio: each note rendered by its timbre with attack and release ramps into its part's bus;
/// parts mixed at fixed levels (equal-power panned for stereo), a reverb send, DC blocking, loudness
/// normalisation to the style's target and a soft limiter so peaks stay below 0 dBFS.
/// </summary>
internal static class Renderer
{
    private enum Bus { Melody, Chords, Pad, Bass, Drums, Hats }

    private static readonly float[] Levels = [0.55f, 0.22f, 0.12f, 0.55f, 0.75f, 0.3f];
    private static readonly float[] Sends = [1.0f, 1.0f, 1.2f, 0.2f, 0.25f, 0.4f];

    public static AudioClip Render(ClipSpec spec, IReadOnlyList<NoteEvent> notes)
    {
        int sr = spec.SampleRate;
        int frames = (int)Math.Round(spec.DurationS * sr);
        var style = MusicStyle.Named(spec.Style);
        var buses = new float[6][];
        for (int b = 0; b < buses.Length; b++) buses[b] = new float[frames];
        var scratch = new float[sr];
        long noiseSeed = Rng.Derive(spec.Seed, 0x501);
        for (int k = 0; k < notes.Count; k++)
        {
            var e = notes[k];
            var instrument = InstrumentNames.Parse(e.Instrument);
            var timbre = Timbres.For(instrument, e.Pitch);
            int start = (int)Math.Round(e.OnsetS * sr);
            if (start >= frames) continue;
            int gate = Math.Max(1, (int)Math.Round(e.DurationS * sr));
            int release = Math.Max(1, (int)(timbre.ReleaseS * sr));
            int len = Math.Min(gate + release, frames - start);
            if (scratch.Length < len) scratch = new float[len];
            var dst = scratch.AsSpan(0, len);
            dst.Clear();
            float velocity = e.Velocity / 127f;
            var noise = new Noise(Rng.Derive(noiseSeed, k));
            timbre.Render(dst, gate, e.Pitch, velocity, sr, ref noise);
            Envelope(dst, (int)(timbre.AttackS * sr), gate, release);
            var bus = buses[(int)BusOf(e)];
            float amp = MathF.Pow(velocity, 1.6f) * Levels[(int)BusOf(e)] * DrumLevel(instrument, e.Pitch);
            for (int i = 0; i < len; i++) bus[start + i] += amp * dst[i];
        }
        return Mix(spec, style, buses, frames);
    }

    private static Bus BusOf(NoteEvent e) => e.Part switch
    {
        "melody" => Bus.Melody,
        "chords" => Bus.Chords,
        "pad" => Bus.Pad,
        "bass" => Bus.Bass,
        _ => e.Pitch is InstrumentNames.ClosedHat or InstrumentNames.OpenHat ? Bus.Hats : Bus.Drums,
    };

    private static float DrumLevel(Instrument instrument, int pitch) => instrument != Instrument.Drums ? 1 : pitch == InstrumentNames.Kick ? 1.2f : 0.8f;

    /// <summary>Linear attack ramp, then after the gate a linear release to zero: no clicks at note boundaries.</summary>
    private static void Envelope(Span<float> x, int attack, int gate, int release)
    {
        attack = Math.Max(1, Math.Min(attack, gate));
        for (int i = 0; i < Math.Min(attack, x.Length); i++) x[i] *= (float)i / attack;
        for (int i = gate; i < x.Length; i++) x[i] *= 1f - (float)(i - gate) / release;
    }

    private static AudioClip Mix(ClipSpec spec, MusicStyle style, float[][] buses, int frames)
    {
        int sr = spec.SampleRate, channels = spec.Stereo ? 2 : 1;
        // Pans per bus (−1 left … +1 right); a per-clip side flip varies the stereo picture.
        float side = new Rng(Rng.Derive(spec.Seed, 0x9A)).Chance(0.5) ? 1 : -1;
        float[] pans = [0.15f * side, -0.35f * side, 0.45f * side, 0, 0, 0.3f * side];
        var send = new float[frames];
        for (int b = 0; b < buses.Length; b++)
            for (int i = 0; i < frames; i++) send[i] += Sends[b] * buses[b][i];
        var output = new float[channels, frames];
        double feedback = style.Reverb > 0.3 ? 0.86 : 0.78;
        for (int c = 0; c < channels; c++)
        {
            var ch = new float[frames];
            for (int b = 0; b < buses.Length; b++)
            {
                // Equal-power pan: θ = (pan + 1)·π/4, gains √2·cos θ and √2·sin θ (1 at centre).
                double theta = (pans[b] + 1) * Math.PI / 4;
                float g = channels == 1 ? 1 : (float)(Math.Sqrt(2) * (c == 0 ? Math.Cos(theta) : Math.Sin(theta)));
                var bus = buses[b];
                for (int i = 0; i < frames; i++) ch[i] += g * bus[i];
            }
            var wet = SchroederReverb.Process(send, sr, feedback, c);
            float w = (float)style.Reverb;
            for (int i = 0; i < frames; i++) ch[i] += w * wet[i];
            DcBlock(ch, sr);
            for (int i = 0; i < frames; i++) output[c, i] = ch[i];
        }
        Master(output, style.TargetRmsDb, sr);
        return new AudioClip(output, sr);
    }

    /// <summary>One-pole high-pass at 20 Hz: removes DC and sub-sonic drift (kick sweeps, asymmetric saws).</summary>
    private static void DcBlock(float[] x, int sr)
    {
        float r = (float)(1 - 2 * Math.PI * 20 / sr), x1 = 0, y1 = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float y = x[i] - x1 + r * y1;
            x1 = x[i];
            y1 = y;
            x[i] = y;
        }
    }

    /// <summary>Normalise RMS to the target, soft-limit above 0.7 with tanh (the curve never reaches 1), fade the edges.</summary>
    private static void Master(float[,] x, double targetDb, int sr)
    {
        int channels = x.GetLength(0), frames = x.GetLength(1);
        double sum = 0;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < frames; i++) sum += (double)x[c, i] * x[c, i];
        double rms = Math.Sqrt(sum / ((double)channels * frames));
        float gain = rms > 1e-9 ? (float)(Math.Pow(10, targetDb / 20) / rms) : 0;
        const float T = 0.7f;
        int fadeIn = Math.Max(1, sr / 200), fadeOut = Math.Max(1, sr / 20);
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < frames; i++)
            {
                float v = x[c, i] * gain, a = MathF.Abs(v);
                if (a > T) v = MathF.Sign(v) * (T + (1 - T) * MathF.Tanh((a - T) / (1 - T)));
                v *= 0.98f;
                if (i < fadeIn) v *= (float)i / fadeIn;
                if (i >= frames - fadeOut) v *= (float)(frames - 1 - i) / fadeOut;
                x[c, i] = v;
            }
    }
}

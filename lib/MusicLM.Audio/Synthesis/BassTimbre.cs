namespace MusicLM.Audio.Synthesis;

/// <summary>Bass: a sine for weight plus a little band-limited saw for definition, through two one-pole low-passes, with a short decay to a sustain level.</summary>
internal sealed class BassTimbre : ITimbre
{
    public double AttackS => 0.006;
    public double ReleaseS => 0.06;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi), dt = f / sampleRate, t = 0;
        uint ph = 0, inc = Oscillators.Increment(f, sampleRate);
        float a = Oscillators.OnePole(Math.Min(4 * f, 700), sampleRate), y = 0, z = 0;
        float decay = 1, d = (float)Math.Exp(-1 / (0.25 * sampleRate));
        for (int i = 0; i < dst.Length; i++)
        {
            float x = 0.8f * Oscillators.Sin(ph) + 0.35f * Oscillators.Saw(t, dt);
            ph += inc;
            t += dt;
            if (t >= 1) t -= 1;
            y += a * (x - y);
            z += a * (y - z);
            dst[i] = z * (0.7f + 0.3f * decay);
            decay *= d;
        }
    }
}

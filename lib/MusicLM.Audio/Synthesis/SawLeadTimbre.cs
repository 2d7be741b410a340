namespace MusicLM.Audio.Synthesis;

/// <summary>Saw lead: a band-limited saw with delayed vibrato, through a resonant biquad low-pass (RBJ cookbook) whose cutoff follows velocity.</summary>
internal sealed class SawLeadTimbre : ITimbre
{
    public double AttackS => 0.01;
    public double ReleaseS => 0.08;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi), dt = f / sampleRate, t = 0;
        uint lfo = 0, lfoInc = Oscillators.Increment(5.5, sampleRate);
        int vibratoStart = (int)(0.15 * sampleRate);
        double cutoff = Math.Min(0.42 * sampleRate, 1400 + 2600 * velocity), q = 1.1;
        double w = 2 * Math.PI * cutoff / sampleRate, alpha = Math.Sin(w) / (2 * q), cw = Math.Cos(w), a0 = 1 + alpha;
        float b0 = (float)((1 - cw) / 2 / a0), b1 = (float)((1 - cw) / a0), b2 = b0, a1 = (float)(-2 * cw / a0), a2 = (float)((1 - alpha) / a0);
        float x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            float depth = i < vibratoStart ? 0 : Math.Min(1f, (i - vibratoStart) / (0.3f * sampleRate)) * 0.004f;
            float x = 0.7f * Oscillators.Saw(t, dt);
            t += dt * (1 + depth * Oscillators.Sin(lfo));
            if (t >= 1) t -= 1;
            lfo += lfoInc;
            float y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1; x1 = x; y2 = y1; y1 = y;
            dst[i] = y;
        }
    }
}

namespace MusicLM.Audio.Synthesis;

/// <summary>String pad: three band-limited saws detuned by a few cents (the chorus of a section), two one-pole low-passes, slow attack and release.</summary>
internal sealed class StringPadTimbre : ITimbre
{
    private static readonly double[] DetuneCents = [-7, 0, 6];
    public double AttackS => 0.35;
    public double ReleaseS => 0.5;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi);
        foreach (var cents in DetuneCents)
        {
            double dt = f * Math.Pow(2, cents / 1200) / sampleRate, t = 0.5 * (noise.Next() + 1);
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] += Oscillators.Saw(t, dt) * (1f / 3);
                t += dt;
                if (t >= 1) t -= 1;
            }
        }
        float a = Oscillators.OnePole(Math.Max(900, 4 * f) * (0.7 + 0.6 * velocity), sampleRate), y1 = 0, y2 = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            y1 += a * (dst[i] - y1);
            y2 += a * (y1 - y2);
            dst[i] = y2;
        }
    }
}

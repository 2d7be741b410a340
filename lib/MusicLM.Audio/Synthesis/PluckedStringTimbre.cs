namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Karplus–Strong plucked string: a noise burst circulating in a delay line of one period, averaged
/// (a gentle low-pass, so high harmonics die first) and tuned to fractional periods with a first-order all-pass.
/// </summary>
internal sealed class PluckedStringTimbre : ITimbre
{
    public double AttackS => 0.002;
    public double ReleaseS => 0.08;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi);
        double delay = sampleRate / f - 0.5;           // the averaging filter adds half a sample
        int n = (int)Math.Floor(delay);
        double frac = delay - n;
        if (frac < 0.1 && n > 2) { n--; frac += 1; }
        float c = (float)((1 - frac) / (1 + frac));
        var line = new float[n];
        float lp = 0, alpha = 0.25f + 0.6f * velocity, mean = 0;
        for (int i = 0; i < n; i++)
        {
            lp += alpha * (noise.Next() - lp);
            line[i] = lp;
            mean += lp;
        }
        mean /= n;
        for (int i = 0; i < n; i++) line[i] = (line[i] - mean) * 1.6f;
        double t60 = Math.Clamp(3.0 * Math.Pow(2, -(midi - 48) / 24.0), 0.6, 4);
        float rho = (float)Math.Pow(0.001, 1.0 / (t60 * f));
        int p = 0;
        float last = 0, apX = 0, apY = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            float y = line[p];
            dst[i] = y;
            float avg = rho * 0.5f * (y + last);
            last = y;
            float ap = c * avg + apX - c * apY;
            apX = avg;
            apY = ap;
            line[p] = ap;
            if (++p == n) p = 0;
        }
    }
}

namespace MusicLM.Audio.Synthesis;

/// <summary>Hi-hat: noise high-passed twice (cutoff near 7 kHz, lower at low sample rates), a short decay when closed, a long one when open.</summary>
internal sealed class HiHat(bool open) : ITimbre
{
    public double AttackS => 0.001;
    public double ReleaseS => 0.02;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        float a = Oscillators.OnePole(Math.Min(7000, 0.3 * sampleRate), sampleRate), lp1 = 0, lp2 = 0;
        float amp = 0.6f, d = (float)Math.Exp(-1 / ((open ? 0.18 : 0.025) * sampleRate));
        for (int i = 0; i < dst.Length; i++)
        {
            float w = noise.Next();
            lp1 += a * (w - lp1);
            float h = w - lp1;
            lp2 += a * (h - lp2);
            dst[i] = amp * (h - lp2);
            amp *= d;
        }
    }
}

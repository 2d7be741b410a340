namespace MusicLM.Audio.Synthesis;

/// <summary>Kick: a sine whose pitch sweeps from about 150 Hz down to 48 Hz in tens of milliseconds, with a short noise click.</summary>
internal sealed class KickDrum : ITimbre
{
    public double AttackS => 0.001;
    public double ReleaseS => 0.02;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        uint ph = 0;
        float sweep = 1, dSweep = (float)Math.Exp(-1 / (0.03 * sampleRate));
        float amp = 1, dAmp = (float)Math.Exp(-1 / (0.22 * sampleRate));
        float click = 0.3f, dClick = (float)Math.Exp(-1 / (0.002 * sampleRate));
        double toInc = 4294967296.0 / sampleRate;
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = amp * Oscillators.Sin(ph) + click * noise.Next();
            ph += (uint)((48 + 100 * sweep) * toInc);
            sweep *= dSweep;
            amp *= dAmp;
            click *= dClick;
        }
    }
}

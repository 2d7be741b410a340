namespace MusicLM.Audio.Synthesis;

/// <summary>Snare: a short 190 Hz / 330 Hz drum-head tone plus high-passed noise (the snares), which rings a little longer.</summary>
internal sealed class SnareDrum : ITimbre
{
    public double AttackS => 0.001;
    public double ReleaseS => 0.02;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        uint p1 = 0, p2 = 0, i1 = Oscillators.Increment(190, sampleRate), i2 = Oscillators.Increment(330, sampleRate);
        float tone = 0.5f, dTone = (float)Math.Exp(-1 / (0.05 * sampleRate));
        float hiss = 0.7f, dHiss = (float)Math.Exp(-1 / (0.11 * sampleRate));
        float a = Oscillators.OnePole(1500, sampleRate), lp = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            float w = noise.Next();
            lp += a * (w - lp);
            dst[i] = tone * (Oscillators.Sin(p1) + 0.5f * Oscillators.Sin(p2)) + hiss * (w - lp);
            p1 += i1;
            p2 += i2;
            tone *= dTone;
            hiss *= dHiss;
        }
    }
}

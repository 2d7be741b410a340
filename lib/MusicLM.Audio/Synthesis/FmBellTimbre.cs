namespace MusicLM.Audio.Synthesis;

/// <summary>
/// FM bell (Chowning): a sine carrier phase-modulated by a sine at an inharmonic 3.5× ratio; the modulation
/// index decays faster than the amplitude, so the strike is bright and the tail pure.
/// </summary>
internal sealed class FmBellTimbre : ITimbre
{
    private const double Ratio = 3.5;
    public double AttackS => 0.002;
    public double ReleaseS => 0.6;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi);
        uint pc = 0, pm = 0, incC = Oscillators.Increment(f, sampleRate), incM = Oscillators.Increment(f * Ratio, sampleRate);
        double tau = Math.Clamp(1.6 * Math.Pow(2, -(midi - 72) / 24.0), 0.4, 3);
        float amp = 1, dAmp = (float)Math.Exp(-1 / (tau * sampleRate));
        float index = (float)(2 + 2.5 * velocity), dIndex = (float)Math.Exp(-1 / (0.2 * sampleRate));
        for (int i = 0; i < dst.Length; i++)
        {
            float m = (index + 0.4f) * Oscillators.Sin(pm);
            dst[i] = amp * Oscillators.Sin(unchecked(pc + (uint)(long)(m * Oscillators.PhasePerRadian)));
            pc += incC;
            pm += incM;
            amp *= dAmp;
            index *= dIndex;
        }
    }
}

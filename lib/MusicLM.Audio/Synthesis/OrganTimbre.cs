namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Drawbar organ: sines at the drawbar footages 16′, 5⅓′, 8′, 4′, 2⅔′, 2′, 1⅗′, 1⅓′, 1′ (ratios 0.5 … 8 of
/// the 8′ pitch) with fixed levels out of 8, and a steady sustain (organs do not decay).
/// </summary>
internal sealed class OrganTimbre : ITimbre
{
    private static readonly double[] Ratios = [0.5, 1.5, 1, 2, 3, 4, 5, 6, 8];
    private static readonly int[] Drawbars = [6, 4, 8, 6, 0, 3, 0, 0, 2];
    public double AttackS => 0.008;
    public double ReleaseS => 0.05;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi), norm = 0;
        for (int k = 0; k < Ratios.Length; k++) norm += Drawbars[k] / 8.0;
        for (int k = 0; k < Ratios.Length; k++)
        {
            if (Drawbars[k] == 0 || f * Ratios[k] > 0.45 * sampleRate) continue;
            float a = (float)(Drawbars[k] / 8.0 / norm);
            uint ph = (uint)(k * 0x9E3779B9u), inc = Oscillators.Increment(f * Ratios[k], sampleRate);
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] += a * Oscillators.Sin(ph);
                ph += inc;
            }
        }
    }
}

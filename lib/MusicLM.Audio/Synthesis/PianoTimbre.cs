namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Piano-like: up to ten partials, stretched by string stiffness (f_k = k f √(1 + B k²)), each decaying
/// exponentially and faster for higher partials and higher notes; velocity brightens the spectrum.
/// </summary>
internal sealed class PianoTimbre : ITimbre
{
    private const double Inharmonicity = 0.0004;
    public double AttackS => 0.003;
    public double ReleaseS => 0.15;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi);
        double tau1 = Math.Clamp(2.4 * Math.Pow(2, -(midi - 60) / 24.0), 0.5, 5);
        double bright = 0.3 + 0.35 * velocity, norm = 0;
        for (int k = 1; k <= 10; k++)
        {
            double fk = f * k * Math.Sqrt(1 + Inharmonicity * k * k);
            if (fk > 0.45 * sampleRate) break;
            double ak = Math.Pow(bright, k - 1) / k;
            norm += ak;
            float a = (float)ak, d = (float)Math.Exp(-(1 + 0.7 * (k - 1)) / (tau1 * sampleRate));
            uint ph = 0, inc = Oscillators.Increment(fk, sampleRate);
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] += a * Oscillators.Sin(ph);
                ph += inc;
                a *= d;
            }
        }
        float g = (float)(1 / norm);
        for (int i = 0; i < dst.Length; i++) dst[i] *= g;
    }
}

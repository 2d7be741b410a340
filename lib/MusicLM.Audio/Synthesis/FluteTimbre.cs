namespace MusicLM.Audio.Synthesis;

/// <summary>Flute-like: a nearly pure tone (weak 2nd and 3rd harmonics), delayed vibrato and band-passed breath noise that is strongest at the onset (the "chiff").</summary>
internal sealed class FluteTimbre : ITimbre
{
    public double AttackS => 0.05;
    public double ReleaseS => 0.1;

    public void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise)
    {
        double f = MusicTheory.MidiToHz(midi);
        uint p1 = 0, p2 = 0, p3 = 0, inc = Oscillators.Increment(f, sampleRate);
        bool h2 = 2 * f < 0.45 * sampleRate, h3 = 3 * f < 0.45 * sampleRate;
        uint lfo = 0, lfoInc = Oscillators.Increment(5, sampleRate);
        int vibratoStart = (int)(0.2 * sampleRate);
        float lpHi = Oscillators.OnePole(2500, sampleRate), lpLo = Oscillators.OnePole(800, sampleRate), n1 = 0, n1b = 0, n2 = 0;
        float chiff = 1, dChiff = (float)Math.Exp(-1 / (0.04 * sampleRate));
        for (int i = 0; i < dst.Length; i++)
        {
            float depth = i < vibratoStart ? 0 : Math.Min(1f, (i - vibratoStart) / (0.3f * sampleRate)) * 0.003f;
            uint step = (uint)(inc * (1 + depth * Oscillators.Sin(lfo)));
            lfo += lfoInc;
            float tone = Oscillators.Sin(p1);
            if (h2) tone += 0.18f * Oscillators.Sin(p2);
            if (h3) tone += 0.05f * Oscillators.Sin(p3);
            p1 += step;
            p2 += 2 * step;
            p3 += 3 * step;
            float w = noise.Next();
            n1 += lpHi * (w - n1);
            n1b += lpHi * (n1 - n1b);
            n2 += lpLo * (n1b - n2);
            dst[i] = 0.9f * tone + (n1b - n2) * (0.05f + 0.6f * chiff);
            chiff *= dChiff;
        }
    }
}

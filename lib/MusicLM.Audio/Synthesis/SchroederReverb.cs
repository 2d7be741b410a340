namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Schroeder's reverberator: four parallel damped feedback combs (mutually prime delays near 30–45 ms)
/// into two series all-passes. Cheap and smooth enough for a room tail; the right channel's all-pass
/// delays differ slightly so stereo clips get a wide tail.
/// </summary>
internal static class SchroederReverb
{
    private static readonly double[] CombMs = [29.7, 37.1, 41.1, 43.7];

    /// <summary>The wet signal for <paramref name="input"/> (same length), for the given channel.</summary>
    public static float[] Process(float[] input, int sampleRate, double feedback, int channel)
    {
        int n = input.Length;
        var sum = new float[n];
        foreach (var ms in CombMs)
        {
            var line = new float[Math.Max(1, (int)(ms * 0.001 * sampleRate))];
            int p = 0;
            float store = 0, damp = 0.3f, g = (float)feedback;
            for (int i = 0; i < n; i++)
            {
                float y = line[p];
                store = y * (1 - damp) + store * damp;
                line[p] = input[i] + g * store;
                sum[i] += y * 0.25f;
                if (++p == line.Length) p = 0;
            }
        }
        AllPass(sum, (int)((channel == 0 ? 5.0 : 5.3) * 0.001 * sampleRate), 0.7f);
        AllPass(sum, (int)((channel == 0 ? 1.7 : 1.9) * 0.001 * sampleRate), 0.7f);
        return sum;
    }

    private static void AllPass(float[] x, int delay, float g)
    {
        var line = new float[Math.Max(1, delay)];
        int p = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float d = line[p];
            float v = x[i] + g * d;
            line[p] = v;
            x[i] = d - g * v;
            if (++p == line.Length) p = 0;
        }
    }
}

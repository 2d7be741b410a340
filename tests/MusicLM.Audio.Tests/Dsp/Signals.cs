namespace MusicLM.Audio.Tests.Dsp;

internal static class Signals
{
    public static float[] Sine(double hz, double seconds, int sr, double amp = 0.5) =>
        Enumerable.Range(0, (int)(seconds * sr)).Select(i => (float)(amp * Math.Sin(2 * Math.PI * hz * i / sr))).ToArray();

    public static float[] Sum(params float[][] parts)
    {
        var y = new float[parts.Max(p => p.Length)];
        foreach (var p in parts)
            for (int i = 0; i < p.Length; i++) y[i] += p[i];
        return y;
    }
}

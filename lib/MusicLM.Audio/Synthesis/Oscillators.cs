using System.Runtime.CompilerServices;

namespace MusicLM.Audio.Synthesis;

/// <summary>
/// Cheap oscillators: a 4096-point sine table read with a 32-bit phase accumulator (linear interpolation),
/// and PolyBLEP band-limited sawtooth. A table read is a few adds where Math.Sin is tens of nanoseconds.
/// </summary>
internal static class Oscillators
{
    private const int Bits = 12, Size = 1 << Bits, FracBits = 32 - Bits;
    private static readonly float[] Table = BuildTable();

    /// <summary>2³² / 2π: converts radians to phase units.</summary>
    public const double PhasePerRadian = 683565275.5764316;

    private static float[] BuildTable()
    {
        var t = new float[Size + 1];
        for (int i = 0; i < Size; i++) t[i] = (float)Math.Sin(2 * Math.PI * i / Size);
        t[Size] = t[0];
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sin(uint phase)
    {
        int i = (int)(phase >> FracBits);
        float f = (phase & ((1u << FracBits) - 1)) * (1f / (1 << FracBits));
        float a = Table[i];
        return a + (Table[i + 1] - a) * f;
    }

    /// <summary>Phase increment per sample for a frequency (kept below Nyquist).</summary>
    public static uint Increment(double hz, int sampleRate) => (uint)(long)(Math.Min(hz, 0.499 * sampleRate) / sampleRate * 4294967296.0);

    /// <summary>A naive saw 2t − 1 minus the polynomial band-limited step residual at the wrap (t in [0, 1), dt = f / sr).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Saw(double t, double dt)
    {
        double v = 2 * t - 1;
        if (t < dt)
        {
            double x = t / dt;
            v -= x + x - x * x - 1;
        }
        else if (t > 1 - dt)
        {
            double x = (t - 1) / dt;
            v -= x * x + x + x + 1;
        }
        return (float)v;
    }

    /// <summary>One-pole low-pass coefficient for a cutoff in Hz.</summary>
    public static float OnePole(double hz, int sampleRate) => (float)(1 - Math.Exp(-2 * Math.PI * Math.Min(hz, 0.45 * sampleRate) / sampleRate));
}

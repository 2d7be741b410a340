namespace MusicLM.Training;

/// <summary>
/// The random seed of one (run seed, step, stream) triple, by SplitMix64 mixing (Steele et al. 2014): every
/// trainer draws step s's random choices from seeds of s alone, so a resumed run repeats the steps of a run that
/// never stopped, and separate streams (dropout, crops, masks) stay independent.
/// </summary>
public static class StepSeed
{
    /// <summary>A non-negative 63-bit seed.</summary>
    public static long For(long seed, long step, int stream)
    {
        var z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)step * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL + 0x2545F4914F6CDD1DUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) >> 1);
    }

    /// <summary>A <see cref="Random"/> seeded from <see cref="For"/>.</summary>
    public static Random Random(long seed, long step, int stream) => new((int)(For(seed, step, stream) & 0x7fffffff));
}

namespace MusicLM.Training;

/// <summary>
/// The learning-rate schedule of every trainer here (GPT-2, nanoGPT): linear warm-up over the first steps, then a
/// half cosine from the base rate down to a final fraction of it as the run goes from start to end.
/// </summary>
public static class WarmupCosine
{
    /// <summary>The rate at global <paramref name="step"/> (0-based), <paramref name="fraction"/> of the way through the run.</summary>
    public static double At(double baseRate, long step, int warmupSteps, double fraction, double finalFraction)
    {
        var cosine = finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(fraction, 0, 1)));
        var warm = warmupSteps > 0 ? Math.Min(1.0, (step + 1) / (double)warmupSteps) : 1.0;
        return baseRate * warm * cosine;
    }
}

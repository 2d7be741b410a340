namespace MusicLM.Training;

/// <summary>
/// The rules every trainer shares for a run given as a step count, a wall-time budget, or both: when to stop
/// before a step, and how far through the run a step is (for learning-rate schedules that end with the run).
/// </summary>
public static class TrainingBudget
{
    /// <summary>
    /// True when one more step, as long as the mean step so far, would end after <paramref name="budget"/> (false with
    /// no budget). Before the first step the mean is taken as zero, so it stops only when the budget is already spent.
    /// </summary>
    public static bool NextStepWouldOverrun(TimeSpan elapsed, int stepsRun, TimeSpan? budget) =>
        budget is { } b && elapsed + (stepsRun > 0 ? elapsed / stepsRun : TimeSpan.Zero) > b;

    /// <summary>How far through the run: the larger of steps run ÷ steps and elapsed ÷ budget (each 0 when not given).</summary>
    public static double Fraction(int stepsRun, int? steps, TimeSpan elapsed, TimeSpan? budget) =>
        Math.Max(steps is { } total && total > 0 ? stepsRun / (double)total : 0,
                 budget is { } limit && limit > TimeSpan.Zero ? elapsed / limit : 0);
}

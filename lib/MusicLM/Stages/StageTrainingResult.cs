namespace MusicLM.Stages;

/// <summary>What a Train call did: steps in this call, steps in all, its time, why it stopped ("steps", "budget", "interrupted"), every step.</summary>
public sealed record StageTrainingResult(int StepsRun, long Step, TimeSpan Elapsed, string StoppedBy, IReadOnlyList<StageTrainingStep> History)
{
    public StageTrainingStep? Last => History.Count > 0 ? History[^1] : null;
    /// <summary>The last step scored on the held-out windows, if any.</summary>
    public StageTrainingStep? LastHeldOut => History.LastOrDefault(s => s.HasHeldOut);
    public double SecondsPerStep => StepsRun > 0 ? Elapsed.TotalSeconds / StepsRun : double.NaN;
}

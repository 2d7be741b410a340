namespace MusicLM.MuLan;

/// <summary>What one MuLanTrainer.Train call did: steps, wall time, why it stopped ("steps", "budget", "interrupted"), and every step.</summary>
public sealed record MuLanTrainingResult(int StepsRun, long FinalStep, TimeSpan Elapsed, string StoppedBy, IReadOnlyList<MuLanTrainingStep> History)
{
    public MuLanTrainingStep? Last => History.Count > 0 ? History[^1] : null;
}

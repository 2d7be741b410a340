using System.Diagnostics;
using MusicLM.Training;

namespace MusicLM.Stages;

/// <summary>
/// The loop the token trainers share (<see cref="StageTrainer"/> and the one-stage model's): steps and/or a wall-time
/// budget, warm-up and a half cosine, held-out scoring every <see cref="StageTrainerConfig.EvalEvery"/> steps and after
/// the last, a progress bar the kernel's interrupt stops, the CSV log, checkpoints every
/// <see cref="StageTrainerConfig.CheckpointEvery"/> steps and at the end.
/// </summary>
internal static class StageTrainingLoop
{
    /// <param name="config">The trainer's config (schedule, evaluation, log and checkpoint settings).</param>
    /// <param name="title">The progress bar's title.</param>
    /// <param name="steps">Steps to take, or null for as many as the budget allows.</param>
    /// <param name="budget">Wall time to stop within, or null.</param>
    /// <param name="step">The trainer's step count so far (across resumes).</param>
    /// <param name="trainStep">Takes one optimizer step at the learning rate given; the stopwatch times this call.</param>
    /// <param name="heldOut">Scores the held-out set, or null without one.</param>
    /// <param name="save">Saves a checkpoint at the path, given the time spent in this call so far.</param>
    /// <param name="finish">Told the wall time of this call when it ends, before the last checkpoint.</param>
    /// <param name="progress">Hears every step.</param>
    /// <param name="cancellation">Stops the loop between steps ("interrupted").</param>
    public static StageTrainingResult Run(StageTrainerConfig config, string title, int? steps, TimeSpan? budget,
        Func<long> step, Func<double, Stopwatch, StageTrainingStep> trainStep, Func<(double Loss, double Accuracy)>? heldOut,
        Action<string, TimeSpan> save, Action<TimeSpan> finish, IProgress<StageTrainingStep>? progress, CancellationToken cancellation)
    {
        if (steps is null && budget is null) throw new ArgumentException("give a number of steps, a time budget, or both");
        if (steps is < 0) throw new ArgumentException($"steps must be ≥ 0, got {steps}", nameof(steps));
        var history = new List<StageTrainingStep>();
        var watch = Stopwatch.StartNew();
        var stoppedBy = "steps";
        var run = 0;
        StreamWriter? log = null;
        using var bar = config.ShowProgress ? Interactive.Progress.Start(steps ?? 0, title) : null;
        try
        {
            log = TrainerState.OpenLog(config.LogPath, StageTrainingStep.CsvHeader);
            while (steps is null || run < steps)
            {
                if (cancellation.IsCancellationRequested) { stoppedBy = "interrupted"; break; }
                bar?.ThrowIfInterrupted();
                if (TrainingBudget.NextStepWouldOverrun(watch.Elapsed, run, budget)) { stoppedBy = "budget"; break; }
                var fraction = config.TotalSteps > 0 ? step() / (double)config.TotalSteps : TrainingBudget.Fraction(run, steps, watch.Elapsed, budget);
                var m = trainStep(WarmupCosine.At(config.LearningRate, step(), config.WarmupSteps, fraction, config.FinalLearningRateFraction), watch);
                run++;
                var last = steps is { } n && run == n;
                if (heldOut is not null && ((config.EvalEvery > 0 && m.Step % config.EvalEvery == 0) || last))
                {
                    var (loss, accuracy) = heldOut();
                    m = m with { HeldOutLoss = loss, HeldOutAccuracy = accuracy };
                }
                history.Add(m);
                bar?.Update(run, ("loss", m.Loss), ("accuracy", m.Accuracy));
                log?.WriteLine(m.ToCsv());
                progress?.Report(m);
                if (config.CheckpointPath is { } p && config.CheckpointEvery > 0 && m.Step % config.CheckpointEvery == 0)
                    save(p, watch.Elapsed);
            }
        }
        catch (OperationCanceledException)
        {
            stoppedBy = "interrupted";
        }
        finally
        {
            log?.Dispose();
        }
        // A budget-stopped run scores the held-out set once at the end, so every run ends with a figure.
        if (heldOut is not null && history.Count > 0 && !history[^1].HasHeldOut)
        {
            var (loss, accuracy) = heldOut();
            history[^1] = history[^1] with { HeldOutLoss = loss, HeldOutAccuracy = accuracy };
        }
        finish(watch.Elapsed);
        if (config.CheckpointPath is { } path && run > 0) save(path, TimeSpan.Zero);
        return new StageTrainingResult(run, step(), watch.Elapsed, stoppedBy, history);
    }
}

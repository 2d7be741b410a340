using System.Diagnostics;
using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Training;

namespace MusicLM.OneStage;

/// <summary>
/// Trains the one-stage model with the hierarchy's recipe and config (<see cref="StageTrainerConfig"/>): each step
/// draws <see cref="StageTrainerConfig.BatchSize"/> windows of <see cref="MusicGenConfig.Frames"/> frames (a random
/// clip, a random start), lays each out by the model's pattern, replaces the text of each by the null condition with
/// probability <see cref="StageTrainerConfig.ConditionDropout"/> (MusicGen: 0.3), and takes an AdamW step with warm-up,
/// a half cosine and clipping on the cross-entropy of every code. Step s draws from seeds of (seed, s), so a resumed run
/// repeats the steps of one that never stopped. Checkpoints and the CSV log are the stages' (<see cref="TrainerState"/>).
/// </summary>
public sealed class MusicGenTrainer : IDisposable
{
    private readonly AdamW optimizer;
    private TimeSpan elapsedBefore;
    private List<(long[][] Sequence, OneStageClip Clip)>? heldOutWindows;
    private IReadOnlyList<OneStageClip>? heldOutFor;

    /// <summary>MusicGen's condition dropout (audiocraft's text-to-music: 0.3).</summary>
    public const double CourseConditionDropout = 0.3;

    public MusicGenTrainer(MusicGenModel model, StageTrainerConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Config = config ?? Course();
        Config.Validate();
        if (Config.InputNoise > 0) throw new ArgumentException("the one-stage trainer has no input noise; leave InputNoise at 0", nameof(config));
        Model = model;
        if (Config.Device is { } device) model.to(device);
        optimizer = new AdamW(model.parameters(), Config.LearningRate, weight_decay: Config.WeightDecay);
    }

    /// <summary>The course's recipe: the stages' (batch 8, lr 1e-3, warm-up 50) with MusicGen's condition dropout 0.3.</summary>
    public static StageTrainerConfig Course(bool showProgress = false) => new()
    {
        BatchSize = 8, ConditionDropout = CourseConditionDropout, EvalEvery = 100, EvalWindows = 48, ShowProgress = showProgress,
    };

    public MusicGenModel Model { get; }
    public StageTrainerConfig Config { get; }
    public long Step { get; private set; }
    public TimeSpan Elapsed => elapsedBefore;

    /// <summary>
    /// Trains for <paramref name="steps"/> steps and/or a wall-time <paramref name="budget"/>. <paramref name="validation"/>,
    /// if given, is scored every <see cref="StageTrainerConfig.EvalEvery"/> steps and after the last.
    /// </summary>
    public StageTrainingResult Train(IReadOnlyList<OneStageClip> train, int? steps = null, TimeSpan? budget = null,
                                     IProgress<StageTrainingStep>? progress = null, IReadOnlyList<OneStageClip>? validation = null,
                                     CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (steps is null && budget is null) throw new ArgumentException("give a number of steps, a time budget, or both");
        if (train.Count == 0) throw new ArgumentException("give at least one training clip", nameof(train));
        foreach (var c in train) Check(c);
        if (validation is not null) foreach (var c in validation) Check(c);

        return StageTrainingLoop.Run(Config, "one-stage model training", steps, budget, () => Step,
            (lr, watch) => { optimizer.lr = lr; return TrainStep(train, watch); },
            validation is { Count: > 0 } ? () => HeldOut(validation) : null,
            SaveCheckpoint, t => elapsedBefore += t, progress, cancellation);
    }

    private void Check(OneStageClip clip)
    {
        if (clip.Codes.Length != Model.Config.CodecLevels)
            throw new ArgumentException($"clip {clip.Seed} has {clip.Codes.Length} codec levels; the model takes {Model.Config.CodecLevels}");
        if (clip.Frames < Model.Config.Frames)
            throw new ArgumentException($"clip {clip.Seed} has {clip.Frames} frames, shorter than the model's window of {Model.Config.Frames}");
        if (clip.TextLength < 1 || clip.TextStates.Length != clip.TextLength * Model.Config.TextWidth)
            throw new ArgumentException($"clip {clip.Seed}'s text states are not {clip.TextLength} × {Model.Config.TextWidth} (another text tower?)");
    }

    /// <summary>The pattern sequence (Q × S) of the window of <paramref name="clip"/> that starts at frame <paramref name="start"/>.</summary>
    public static long[][] Window(MusicGenModel model, OneStageClip clip, int start)
    {
        var F = model.Config.Frames;
        if (start < 0 || start + F > clip.Frames)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"a window of {F} frames starts in [0, {clip.Frames - F}] in clip {clip.Seed}");
        return model.Pattern.Build(clip.Codes.Select(l => l[start..(start + F)]).ToArray(), model.Config.Special);
    }

    private StageTrainingStep TrainStep(IReadOnlyList<OneStageClip> train, Stopwatch watch)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed((ulong)StepSeed.For(Config.Seed, Step, 1));                       // dropout
        var rng = new Random((int)(StepSeed.For(Config.Seed, Step, 0) & 0x7fffffff));      // windows and condition dropout
        var windows = new List<long[][]>();
        var texts = new List<(float[], int)?>();
        for (var b = 0; b < Config.BatchSize; b++)
        {
            var clip = train[rng.Next(train.Count)];
            windows.Add(Window(Model, clip, rng.Next(clip.Frames - Model.Config.Frames + 1)));
            texts.Add(rng.NextDouble() < Config.ConditionDropout ? null : (clip.TextStates, clip.TextLength));
        }
        var (states, mask) = OneStageClip.Batch(texts, Model.Config.TextWidth, Model.Device);
        Model.train();
        optimizer.zero_grad();
        var (loss, correct) = Model.Loss(Sequences(windows), states, mask);
        loss.backward();
        var gradNorm = utils.clip_grad_norm_(Model.parameters(), Config.GradientClipNorm);
        optimizer.step();
        Step++;
        return new StageTrainingStep(Step, elapsedBefore + watch.Elapsed, loss.item(), correct.item(), optimizer.lr, gradNorm, double.NaN, double.NaN);
    }

    private Tensor Sequences(IReadOnlyList<long[][]> windows)
    {
        int Q = Model.Config.CodecLevels, S = windows[0][0].Length;
        var flat = new long[windows.Count * Q * S];
        for (var b = 0; b < windows.Count; b++)
            for (var q = 0; q < Q; q++) Array.Copy(windows[b][q], 0, flat, (b * Q + q) * S, S);
        return torch.tensor(flat, windows.Count, Q, S).to(Model.Device);
    }

    /// <summary>
    /// Cross-entropy and accuracy on <see cref="StageTrainerConfig.EvalWindows"/> fixed held-out windows (clip w % N at a
    /// start spread over the clip), with their captions' text, in eval mode.
    /// </summary>
    public (double Loss, double Accuracy) HeldOut(IReadOnlyList<OneStageClip> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Count == 0) throw new ArgumentException("give at least one held-out clip", nameof(validation));
        if (!ReferenceEquals(validation, heldOutFor))
        {
            var perClip = (Config.EvalWindows + validation.Count - 1) / validation.Count;
            heldOutWindows = Enumerable.Range(0, Config.EvalWindows).Select(w =>
            {
                var clip = validation[w % validation.Count];
                var start = (int)Math.Floor((w / validation.Count + 0.5) / perClip * (clip.Frames - Model.Config.Frames));
                return (Window(Model, clip, start), clip);
            }).ToList();
            heldOutFor = validation;
        }
        return Score(heldOutWindows!);
    }

    private (double Loss, double Accuracy) Score(IReadOnlyList<(long[][] Sequence, OneStageClip Clip)> windows)
    {
        var wasTraining = Model.training;
        Model.eval();
        try
        {
            using var _ = torch.no_grad();
            double loss = 0, acc = 0;
            foreach (var chunk in windows.Chunk(Config.BatchSize))
            {
                using var scope = torch.NewDisposeScope();
                var (states, mask) = OneStageClip.Batch(chunk.Select(w => ((float[], int)?)(w.Clip.TextStates, w.Clip.TextLength)).ToList(), Model.Config.TextWidth, Model.Device);
                var (l, c) = Model.Loss(Sequences(chunk.Select(w => w.Sequence).ToList()), states, mask);
                loss += l.item() * chunk.Length;
                acc += c.item() * chunk.Length;
            }
            return (loss / windows.Count, acc / windows.Count);
        }
        finally { Model.train(wasTraining); }
    }

    // ---- checkpoints ----

    /// <summary>Saves the model (weights and config), the optimizer and step (<c>.optim.safetensors</c>) and the trainer config.</summary>
    public void SaveCheckpoint(string path) => SaveCheckpoint(path, TimeSpan.Zero);

    private void SaveCheckpoint(string path, TimeSpan elapsedInCall)
    {
        using var scope = torch.NewDisposeScope();
        Model.Save(path, TrainerState.Prepare(path, Config, optimizer, Step, elapsedBefore + elapsedInCall));
    }

    /// <summary>A trainer continuing from a checkpoint written by training (model, optimizer, step).</summary>
    public static MusicGenTrainer Resume(string path, StageTrainerConfig? config = null)
    {
        config ??= StageTrainer.ReadConfig(path);
        var model = MusicGenModel.Load(path);
        var trainer = new MusicGenTrainer(model, config);
        try { (trainer.Step, trainer.elapsedBefore) = TrainerState.Restore(path, trainer.optimizer); }
        catch { trainer.Dispose(); model.Dispose(); throw; }
        return trainer;
    }

    public void Dispose() => optimizer.Dispose();
}

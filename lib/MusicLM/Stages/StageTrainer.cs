using System.Diagnostics;
using System.Text.Json;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Torch.Serialization;
using MusicLM.Training;

namespace MusicLM.Stages;

/// <summary>
/// Trains any of the three stages on the token streams of training clips. Each step draws
/// <see cref="StageTrainerConfig.BatchSize"/> windows (a random clip, a random start), replaces the conditioning of
/// each by the learned null with probability <see cref="StageTrainerConfig.ConditionDropout"/> (classifier-free
/// guidance), and takes an AdamW step on the target-stream cross-entropy. Every random choice of step s comes from
/// a seed of (<see cref="StageTrainerConfig.Seed"/>, s), so a resumed run repeats the steps of one that never stopped.
/// </summary>
public sealed class StageTrainer : IDisposable
{
    private readonly AdamW optimizer;
    private TimeSpan elapsedBefore;
    private List<long[]>? heldOutWindows;
    private IReadOnlyList<ClipTokens>? heldOutFor;

    public StageTrainer(StageModel model, StageTrainerConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Config = config ?? new StageTrainerConfig();
        Config.Validate();
        Model = model;
        if (Config.Device is { } device) model.to(device);                    // before the optimizer sees the parameters
        optimizer = new AdamW(model.parameters(), Config.LearningRate, weight_decay: Config.WeightDecay);
    }

    public StageModel Model { get; }
    public StageTrainerConfig Config { get; }
    /// <summary>Steps taken so far, across resumes.</summary>
    public long Step { get; private set; }
    public TimeSpan Elapsed => elapsedBefore;

    /// <summary>
    /// Trains for <paramref name="steps"/> steps and/or a wall-time <paramref name="budget"/> (no step starts that would
    /// likely end after it). <paramref name="validation"/>, if given, is scored every
    /// <see cref="StageTrainerConfig.EvalEvery"/> steps and after the last.
    /// </summary>
    public StageTrainingResult Train(IReadOnlyList<ClipTokens> train, int? steps = null, TimeSpan? budget = null,
                                     IProgress<StageTrainingStep>? progress = null, IReadOnlyList<ClipTokens>? validation = null,
                                     CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (steps is null && budget is null) throw new ArgumentException("give a number of steps, a time budget, or both");
        if (train.Count == 0) throw new ArgumentException("give at least one training clip", nameof(train));
        foreach (var c in train) Model.Layout.Check(c);
        if (validation is not null) foreach (var c in validation) Model.Layout.Check(c);

        return StageTrainingLoop.Run(Config, $"{Model.Kind.ToString().ToLowerInvariant()} stage training", steps, budget, () => Step,
            (lr, watch) => { optimizer.lr = lr; return TrainStep(train, watch); },
            validation is { Count: > 0 } ? () => HeldOut(validation) : null,
            SaveCheckpoint, t => elapsedBefore += t, progress, cancellation);
    }

    /// <summary>One optimizer step; the record's time is when it ended (<paramref name="watch"/> times this call).</summary>
    private StageTrainingStep TrainStep(IReadOnlyList<ClipTokens> train, Stopwatch watch)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed((ulong)StepSeed(Step, 1));                          // dropout
        var rng = new Random((int)(StepSeed(Step, 0) & 0x7fffffff));          // windows and condition dropout
        var layout = Model.Layout;
        var rows = new long[Config.BatchSize * layout.Length];
        for (var b = 0; b < Config.BatchSize; b++)
        {
            var clip = train[rng.Next(train.Count)];
            var tokens = layout.Build(clip, rng.Next(layout.MaxStart(clip) + 1)).Tokens;
            if (rng.NextDouble() < Config.ConditionDropout) tokens = layout.WithNullConditioning(tokens);
            Array.Copy(tokens, 0, rows, b * layout.Length, layout.Length);
        }
        var batch = torch.tensor(rows, Config.BatchSize, layout.Length).to(Model.Device);   // (B, L)
        Tensor? inputs = null;
        if (Config.InputNoise > 0)
        {
            var noisy = new long[rows.Length];
            for (var b = 0; b < Config.BatchSize; b++)
                Array.Copy(WithInputNoise(layout, rows[(b * layout.Length)..((b + 1) * layout.Length)], Config.InputNoise, rng), 0, noisy, b * layout.Length, layout.Length);
            inputs = torch.tensor(noisy, Config.BatchSize, layout.Length).to(Model.Device);   // (B, L): read; the batch stays the target
        }

        Model.train();
        optimizer.zero_grad();
        var (loss, correct) = Model.Loss(batch, inputs);
        loss.backward();
        var gradNorm = utils.clip_grad_norm_(Model.parameters(), Config.GradientClipNorm);
        optimizer.step();
        Step++;
        return new StageTrainingStep(Step, elapsedBefore + watch.Elapsed, loss.item(), correct.item(), optimizer.lr, gradNorm, double.NaN, double.NaN);
    }

    /// <summary>
    /// A copy of <paramref name="sequence"/> (one whole sequence of <paramref name="layout"/>) whose target-stream
    /// tokens that are inputs (all but the last) are each replaced, with probability <paramref name="fraction"/>, by a
    /// uniform token of their own level's range (<see cref="StageTrainerConfig.InputNoise"/>). The prefix and the
    /// last token are never changed.
    /// </summary>
    public static long[] WithInputNoise(TokenLayout layout, long[] sequence, double fraction, Random rng)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(rng);
        if (sequence.Length != layout.Length) throw new ArgumentException($"the sequence has {sequence.Length} tokens, the layout {layout.Length}", nameof(sequence));
        if (fraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the noise fraction must be in [0, 1)");
        var noisy = (long[])sequence.Clone();
        for (var i = 0; i < layout.TargetLength - 1; i++)
        {
            if (rng.NextDouble() >= fraction) continue;
            var r = layout.TargetRange(i);
            noisy[layout.PrefixLength + i] = r.Offset + rng.NextInt64(r.Size);
        }
        return noisy;
    }

    /// <summary>
    /// Cross-entropy and accuracy on <see cref="StageTrainerConfig.EvalWindows"/> held-out windows (eval mode, real
    /// conditioning). The windows are fixed for a validation set: clip i % N at a start spread over the clip.
    /// </summary>
    public (double Loss, double Accuracy) HeldOut(IReadOnlyList<ClipTokens> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Count == 0) throw new ArgumentException("give at least one held-out clip", nameof(validation));
        if (!ReferenceEquals(validation, heldOutFor)) { heldOutWindows = Windows(Model.Layout, validation, Config.EvalWindows); heldOutFor = validation; }
        return Score(Model, heldOutWindows!, Config.BatchSize);
    }

    /// <summary>Fixed windows of a clip list: window w is clip w % N, at start ⌊(w / N + ½) / ⌈W / N⌉ · max start⌋.</summary>
    public static List<long[]> Windows(TokenLayout layout, IReadOnlyList<ClipTokens> clips, int count)
    {
        var perClip = (count + clips.Count - 1) / clips.Count;
        var list = new List<long[]>();
        for (var w = 0; w < count; w++)
        {
            var clip = clips[w % clips.Count];
            var k = w / clips.Count;
            var start = (int)Math.Floor((k + 0.5) / perClip * layout.MaxStart(clip));
            list.Add(layout.Build(clip, start).Tokens);
        }
        return list;
    }

    /// <summary>Mean cross-entropy (nats per target token) and accuracy of a stage on whole sequences.</summary>
    public static (double Loss, double Accuracy) Score(StageModel model, IReadOnlyList<long[]> sequences, int batchSize = 16)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = torch.no_grad();
            double loss = 0, acc = 0;
            var L = model.Layout.Length;
            for (var i = 0; i < sequences.Count; i += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var n = Math.Min(batchSize, sequences.Count - i);
                var batch = torch.tensor(sequences.Skip(i).Take(n).SelectMany(s => s).ToArray(), n, L).to(model.Device);
                var (l, c) = model.Loss(batch);
                loss += l.item() * n;
                acc += c.item() * n;
            }
            return (loss / sequences.Count, acc / sequences.Count);
        }
        finally { model.train(wasTraining); }
    }

    // ---- checkpoints ----

    /// <summary>The trainer config beside a checkpoint: <c>coarse.safetensors</c> → <c>coarse.trainer.json</c>.</summary>
    public static string TrainerConfigPath(string path) => TrainerState.ConfigPath(path);

    /// <summary>Saves the stage (weights and config), the optimizer and step (<c>.optim.safetensors</c>) and the trainer config.</summary>
    public void SaveCheckpoint(string path) => SaveCheckpoint(path, TimeSpan.Zero);

    private void SaveCheckpoint(string path, TimeSpan elapsedInCall)
    {
        using var scope = torch.NewDisposeScope();
        Model.Save(path, TrainerState.Prepare(path, Config, optimizer, Step, elapsedBefore + elapsedInCall));
    }

    /// <summary>
    /// The trainer config saved beside a checkpoint, its checkpoint and log paths moved to where the checkpoint is now
    /// (<see cref="TrainerState.Relocated"/>). The device is not saved: set it with <c>with</c>.
    /// </summary>
    public static StageTrainerConfig ReadConfig(string path)
    {
        var c = TrainerState.ReadConfig<StageTrainerConfig>(path);
        return c with { CheckpointPath = TrainerState.Relocated(c.CheckpointPath, c.CheckpointPath, path), LogPath = TrainerState.Relocated(c.LogPath, c.CheckpointPath, path) };
    }

    /// <summary>
    /// A trainer continuing from a checkpoint written by training (stage, optimizer, step). With
    /// <paramref name="expected"/>, a checkpoint of another stage is refused.
    /// </summary>
    public static StageTrainer Resume(string path, StageTrainerConfig? config = null, StageKind? expected = null)
    {
        config ??= ReadConfig(path);
        var model = StageModel.Load(path, expected);
        var trainer = new StageTrainer(model, config);
        try { (trainer.Step, trainer.elapsedBefore) = TrainerState.Restore(path, trainer.optimizer); }
        catch { trainer.Dispose(); model.Dispose(); throw; }
        return trainer;
    }

    /// <summary>The seed of (run seed, step, stream): see <see cref="MusicLM.Training.StepSeed"/>.</summary>
    private long StepSeed(long step, int stream) => MusicLM.Training.StepSeed.For(Config.Seed, step, stream);

    public void Dispose() => optimizer.Dispose();
}

using System.Diagnostics;
using System.Text.Json;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Torch.Serialization;
using MusicLM.Training;

namespace MusicLM.MuLan;

/// <summary>
/// Trains a <see cref="MuLanModel"/> contrastively (MuLan §3.3 with CLIP's loss): each step draws B distinct
/// clips, a random crop of each clip's log-mel with SpecAugment masks, their captions, and minimises
/// <see cref="ContrastiveLoss"/>. Every random choice of step s comes from a seed derived from
/// (<see cref="MuLanTrainerConfig.Seed"/>, s), so runs repeat exactly and a resumed run continues as one that never stopped.
/// </summary>
public sealed class MuLanTrainer : IDisposable
{
    private readonly AdamW optimizer;
    private TimeSpan elapsedBefore;

    public MuLanTrainer(MuLanModel model, MuLanTrainerConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Config = config ?? new MuLanTrainerConfig();
        Config.Validate();
        Model = model;
        if (Config.Device is { } device) model.to(device);                    // before the optimizer sees the parameters
        optimizer = new AdamW(model.parameters(), Config.LearningRate, weight_decay: Config.WeightDecay);
    }

    public MuLanModel Model { get; }
    public MuLanTrainerConfig Config { get; }
    /// <summary>Steps taken so far, across resumes.</summary>
    public long Step { get; private set; }
    public TimeSpan Elapsed => elapsedBefore;
    /// <summary>Log-mel frames per training crop.</summary>
    public int CropFrames => Math.Max(1, (int)Math.Round(Config.CropSeconds * Model.Config.FrameRate));

    /// <summary>Trains on examples (features computed once here; see the overload for precomputed ones).</summary>
    public MuLanTrainingResult Train(IReadOnlyList<MuLanExample> train, int? steps = null, TimeSpan? budget = null,
                                     IProgress<MuLanTrainingStep>? progress = null, IReadOnlyList<MuLanExample>? validation = null)
    {
        var features = MuLanFeatures.Compute(Model, train);
        var valid = validation is null ? null : MuLanFeatures.Compute(Model, validation);
        try { return Train(features, steps, budget, progress, valid); }
        finally
        {
            foreach (var f in features) f.Mel.Dispose();
            if (valid is not null) foreach (var f in valid) f.Mel.Dispose();
        }
    }

    /// <summary>
    /// Trains for <paramref name="steps"/> steps and/or a wall-time <paramref name="budget"/> (no step starts that
    /// would likely end after it). On the first step of a fresh model the audio tower's input statistics are set
    /// from the training features. <paramref name="validation"/>, if given, is scored every
    /// <see cref="MuLanTrainerConfig.EvalEvery"/> steps (held-out recall in the step record).
    /// </summary>
    public MuLanTrainingResult Train(IReadOnlyList<MuLanFeatures> train, int? steps = null, TimeSpan? budget = null,
                                     IProgress<MuLanTrainingStep>? progress = null, IReadOnlyList<MuLanFeatures>? validation = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (steps is null && budget is null) throw new ArgumentException("give a number of steps, a time budget, or both");
        if (steps is < 0) throw new ArgumentException($"steps must be ≥ 0, got {steps}", nameof(steps));
        if (train.Count < 2) throw new ArgumentException($"contrastive training needs at least 2 examples, got {train.Count}", nameof(train));
        foreach (var f in train)
            if (f.Mel.dim() != 2 || f.Mel.size(0) != Model.Config.FeatureChannels)
                throw new ArgumentException($"features must be (C = {Model.Config.FeatureChannels}, T) from MuLanModel.Features, got [{string.Join(", ", f.Mel.shape)}]", nameof(train));
        if (Step == 0) SetStatistics(train);

        var history = new List<MuLanTrainingStep>();
        var watch = Stopwatch.StartNew();
        var stoppedBy = "steps";
        var run = 0;
        try
        {
            while (steps is null || run < steps)
            {
                if (TrainingBudget.NextStepWouldOverrun(watch.Elapsed, run, budget)) { stoppedBy = "budget"; break; }
                optimizer.lr = LearningRateAt(Step, TrainingBudget.Fraction(run, steps, watch.Elapsed, budget));
                var m = TrainStep(train, watch.Elapsed);
                run++;
                if (validation is { Count: > 1 } && Config.EvalEvery > 0 && (m.Step % Config.EvalEvery == 0 || (steps is { } n && run == n)))
                {
                    var (r1, r5) = HeldOutRecall(validation);
                    m = m with { HeldOutRecallAt1 = r1, HeldOutRecallAt5 = r5 };
                }
                history.Add(m);
                progress?.Report(m);
                if (Config.CheckpointPath is { } p && Config.CheckpointEvery > 0 && m.Step % Config.CheckpointEvery == 0)
                    SaveCheckpoint(p, watch.Elapsed);
            }
        }
        catch (OperationCanceledException)
        {
            stoppedBy = "interrupted";
        }
        elapsedBefore += watch.Elapsed;
        if (Config.CheckpointPath is { } path && run > 0) SaveCheckpoint(path, TimeSpan.Zero);
        return new MuLanTrainingResult(run, Step, watch.Elapsed, stoppedBy, history);
    }

    /// <summary>Linear warm-up over <see cref="MuLanTrainerConfig.WarmupSteps"/>, then a half cosine to the final fraction over the call.</summary>
    private double LearningRateAt(long step, double fraction)
    {
        return WarmupCosine.At(Config.LearningRate, step, Config.WarmupSteps, fraction, Config.FinalLearningRateFraction);
    }

    private MuLanTrainingStep TrainStep(IReadOnlyList<MuLanFeatures> train, TimeSpan elapsedInCall)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed((ulong)StepSeed(Step, 1));
        var rng = new Random((int)(StepSeed(Step, 0) & 0x7fffffff));
        var b = Math.Min(Config.BatchSize, train.Count);
        var picks = Enumerable.Range(0, train.Count).OrderBy(_ => rng.Next()).Take(b).Select(i => train[i]).ToList();
        var mel = Crops(picks, rng);                                           // (B, M, T_crop)
        var captions = picks.Select(p => p.Caption).ToList();
        var positives = ContrastiveLoss.Positives(captions, picks.Select(p => p.Attributes).ToList(), Config.Positives); // (B, B)

        Model.train();
        optimizer.zero_grad();
        var (ids, mask) = Model.Tokenizer.Batch(captions);                    // (B, L)
        var a = Model.AudioEmbedding(mel);                                    // (B, E)
        var t = Model.TextEmbedding(ids, mask);                               // (B, E)
        var loss = ContrastiveLoss.Forward(t, a, Model.LogitScaleTensor(), positives);
        loss.backward();
        var gradNorm = utils.clip_grad_norm_(Model.parameters(), Config.GradientClipNorm);
        optimizer.step();
        using (torch.no_grad()) Model.logit_scale.clamp_(0, Math.Log(Model.Config.MaxLogitScale));
        Step++;
        var perCaption = positives.to(ScalarType.Float32).sum(1).mean().item();
        return new MuLanTrainingStep(Step, elapsedBefore + elapsedInCall, loss.item(), Math.Log(b), Model.Temperature, optimizer.lr,
                                     gradNorm, perCaption, double.NaN, double.NaN);
    }

    /// <summary>
    /// A random crop of each clip's log-mel (B, M, T_crop), SpecAugment-masked: masked cells take the band's
    /// training mean, i.e. zero after the tower standardises its input. A clip shorter than the crop is repeated.
    /// </summary>
    private Tensor Crops(IReadOnlyList<MuLanFeatures> picks, Random rng)
    {
        using var scope = torch.NewDisposeScope();
        var n = CropFrames;
        long m = Model.Config.FeatureChannels, bands = Model.Config.MelBands;   // frequency masks cover mel bands only
        var crops = new List<Tensor>();
        foreach (var p in picks)
        {
            var x = p.Mel;                                                     // (M, T)
            while (x.size(1) < n) x = torch.cat(new[] { x, p.Mel }, 1);
            var start = rng.Next((int)(x.size(1) - n + 1));
            crops.Add(x.narrow(1, start, n));
        }
        var batch = torch.stack(crops, 0).to(Model.Device);                    // (B, M, T_crop)
        var keep = new float[picks.Count * m * n];
        Array.Fill(keep, 1f);
        for (var i = 0; i < picks.Count; i++)
        {
            for (var k = 0; k < Config.TimeMasks; k++)
            {
                var w = rng.Next((int)(Config.TimeMaskFraction * n) + 1);
                var t0 = rng.Next(n - w + 1);
                for (var f = 0; f < m; f++) Array.Fill(keep, 0f, (int)(i * m * n + f * n + t0), w);
            }
            for (var k = 0; k < Config.FrequencyMasks; k++)
            {
                var w = rng.Next(Math.Min(Config.FrequencyMaskBands, (int)bands) + 1);
                var f0 = rng.Next((int)bands - w + 1);
                for (var f = f0; f < f0 + w; f++) Array.Fill(keep, 0f, (int)(i * m * n + f * n), n);
            }
        }
        var mask = torch.tensor(keep, picks.Count, m, n).to(Model.Device);
        var mean = Model.audio.input_mean.view(1, m, 1);
        return (batch * mask + mean * (1 - mask)).MoveToOuterDisposeScope();
    }

    /// <summary>Per-band mean and standard deviation over every training frame, into the audio tower.</summary>
    private void SetStatistics(IReadOnlyList<MuLanFeatures> train)
    {
        using var scope = torch.NewDisposeScope();
        var all = torch.cat(train.Select(f => f.Mel).ToList(), 1);             // (M, ΣT)
        Model.audio.SetStatistics(all.mean(1), all.std(1));
    }

    /// <summary>Text→audio recall@1 and @5 over a validation set (whole clips against their captions).</summary>
    public (double R1, double R5) HeldOutRecall(IReadOnlyList<MuLanFeatures> validation)
    {
        using var scope = torch.NewDisposeScope();
        var a = Model.EmbedFeatures(validation.Select(v => v.Mel).ToList());                         // (N, E)
        var t = Model.EmbedText(validation.Select(v => v.Caption).ToList());                          // (N, E)
        var ranks = MuLanEvaluation.Ranks(t.matmul(a.t()));                                           // (N)
        return (ranks.Count(r => r < 1) / (double)ranks.Length, ranks.Count(r => r < 5) / (double)ranks.Length);
    }

    /// <summary>
    /// Fits the conditioning quantizer on AUDIO embeddings of the training clips (MusicLM §3.1): each clip whole
    /// and <paramref name="cropsPerClip"/> random crops of it, so the codebooks see the spread of one clip's
    /// embeddings. Returns the mean squared error after each level.
    /// </summary>
    public double[] FitQuantizer(IReadOnlyList<MuLanFeatures> train, int cropsPerClip = 2)
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random((int)(StepSeed(-1, 3) & 0x7fffffff));
        var rows = new List<Tensor>();
        foreach (var f in train)
        {
            rows.Add(f.Mel);
            for (var c = 0; c < cropsPerClip && f.Frames > CropFrames; c++)
                rows.Add(f.Mel.narrow(1, rng.Next((int)(f.Frames - CropFrames + 1)), CropFrames));
        }
        var embeddings = Model.EmbedFeatures(rows);                           // (N, E)
        return Model.quantizer.Fit(embeddings, Config.Seed);
    }

    // ---- checkpoints ----

    /// <summary>The trainer config beside a checkpoint: <c>mulan.safetensors</c> → <c>mulan.trainer.json</c>.</summary>
    public static string TrainerConfigPath(string path) => TrainerState.ConfigPath(path);

    /// <summary>Saves the model (weights, vocabulary, config), the optimizer and step (<c>.optim.safetensors</c>) and the trainer config.</summary>
    public void SaveCheckpoint(string path) => SaveCheckpoint(path, TimeSpan.Zero);

    private void SaveCheckpoint(string path, TimeSpan elapsedInCall)
    {
        using var scope = torch.NewDisposeScope();
        Model.Save(path, TrainerState.Prepare(path, Config, optimizer, Step, elapsedBefore + elapsedInCall));
    }

    /// <summary>A trainer continuing from a checkpoint written by training (model, optimizer, step).</summary>
    public static MuLanTrainer Resume(string path, MuLanTrainerConfig? config = null)
    {
        if (config is null)
        {
            var saved = TrainerState.ReadConfig<MuLanTrainerConfig>(path);
            config = saved with { CheckpointPath = TrainerState.Relocated(saved.CheckpointPath, saved.CheckpointPath, path) };
        }
        var model = MuLanModel.Load(path);
        var trainer = new MuLanTrainer(model, config);
        try { (trainer.Step, trainer.elapsedBefore) = TrainerState.Restore(path, trainer.optimizer); }
        catch { trainer.Dispose(); model.Dispose(); throw; }
        return trainer;
    }

    /// <summary>The seed of (run seed, step, stream): see <see cref="MusicLM.Training.StepSeed"/>.</summary>
    private long StepSeed(long step, int stream) => MusicLM.Training.StepSeed.For(Config.Seed, step, stream);

    public void Dispose() => optimizer.Dispose();
}

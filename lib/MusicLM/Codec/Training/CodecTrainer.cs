using System.Diagnostics;
using System.Text.Json;
using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Interactive;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Torch.Serialization;
using MusicLM.Training;

namespace MusicLM.Codec.Training;

/// <summary>
/// Trains a <see cref="CodecModel"/> as EnCodec does (Défossez et al. 2022 §3.4): the codec minimises
/// λ_t ℓ_t + λ_f ℓ_f + λ_g ℓ_g + λ_feat ℓ_feat + λ_w ℓ_w (time L1, multi-scale mel, adversarial hinge, feature
/// matching, commitment) and a <see cref="MultiScaleSTFTDiscriminator"/> learns to tell real from decoded audio.
/// The first <see cref="CodecTrainerConfig.WarmupSteps"/> steps use the reconstruction losses only.
/// <para>
/// Every random choice of step s (its segments, whether the discriminator is updated, quantizer dropout, k-means,
/// dead-code replacement) comes from a seed derived from (<see cref="CodecTrainerConfig.Seed"/>, s), so a run
/// resumed from a checkpoint takes the same steps as one that never stopped. The engine's random generator is
/// process-wide: other code drawing random numbers at the same time (another thread) breaks that.
/// </para>
/// </summary>
public sealed class CodecTrainer : IDisposable
{
    private readonly AdamW optG, optD;
    private readonly MultiScaleMelLoss melLoss;
    private readonly LossBalancer balancer;
    private readonly WeightEma? ema;
    private TimeSpan elapsedBefore;

    public CodecTrainer(CodecModel model, CodecTrainerConfig? config = null)
    {
        Config = config ?? new CodecTrainerConfig();
        Config.Validate(model.SampleRate);
        if (model.Channels != 1) throw new NotSupportedException($"training supports mono codecs; this one has {model.Channels} channels");
        Model = model;
        Discriminator = new MultiScaleSTFTDiscriminator(Config.Discriminator);
        optG = new AdamW(model.parameters(), Config.LearningRate, Config.Beta1, Config.Beta2, weight_decay: Config.WeightDecay);
        optD = new AdamW(Discriminator.parameters(), Config.DiscriminatorLearningRate ?? Config.LearningRate, Config.Beta1, Config.Beta2, weight_decay: Config.WeightDecay);
        melLoss = new MultiScaleMelLoss(model.SampleRate, Config.MelMinLog2, Config.MelMaxLog2, Config.MelBands);
        balancer = new LossBalancer(new Dictionary<string, double>
        {
            ["l1"] = Config.L1Weight, ["mel"] = Config.MelWeight, ["adv"] = Config.AdversarialWeight, ["feat"] = Config.FeatureWeight,
        }, Config.UseBalancer, emaDecay: Config.BalancerEmaDecay);
        if (Config.WeightEmaDecay is { } d) ema = new WeightEma(model, d);
    }

    public CodecModel Model { get; }
    public MultiScaleSTFTDiscriminator Discriminator { get; }
    public CodecTrainerConfig Config { get; }
    public MultiScaleMelLoss MelLoss => melLoss;
    /// <summary>Steps taken so far, across resumes.</summary>
    public long Step { get; private set; }
    /// <summary>Training wall time so far, across resumes.</summary>
    public TimeSpan Elapsed => elapsedBefore;
    /// <summary>Samples per training segment.</summary>
    public int SegmentSamples => (int)Math.Round(Config.SegmentSeconds * Model.SampleRate);
    /// <summary>The moving average of the weights, when <see cref="CodecTrainerConfig.WeightEmaDecay"/> is set.</summary>
    public WeightEma? WeightAverage => ema;
    /// <summary>Whether the discriminator takes part at step <paramref name="step"/> (after the warm-up).</summary>
    public bool AdversarialAt(long step) => step >= Config.WarmupSteps;

    /// <summary>Trains on clips (any rate and channels: mixed to mono and resampled to the codec's rate).</summary>
    /// <param name="clips">Training audio.</param>
    /// <param name="steps">Steps to take in this call (null: until the budget runs out).</param>
    /// <param name="budget">Wall-time budget: no step is started that would likely end after it.</param>
    /// <param name="progress">Called after every step.</param>
    public CodecTrainingResult Train(IReadOnlyList<AudioClip> clips, int? steps = null, TimeSpan? budget = null, IProgress<CodecTrainingStep>? progress = null)
    {
        if (steps is null && budget is null) throw new ArgumentException("give a number of steps, a time budget, or both");
        if (steps is < 0) throw new ArgumentException($"steps must be ≥ 0, got {steps}", nameof(steps));
        var data = clips.Select(c => PrepareClip(c)).Where(c => c.Length > 0).ToList();
        if (data.Count == 0) throw new ArgumentException("no training audio (every clip is empty)", nameof(clips));

        var history = new List<CodecTrainingStep>();
        var watch = Stopwatch.StartNew();
        var stoppedBy = "steps";
        using var bar = Config.ShowProgress ? Progress.Start(steps ?? 0, "codec training") : null;
        using var curve = Config.ShowProgress ? Plot.Live("codec training") : null;
        using var log = OpenLog();
        var run = 0;
        try
        {
            while (steps is null || run < steps)
            {
                if (TrainingBudget.NextStepWouldOverrun(watch.Elapsed, run, budget)) { stoppedBy = "budget"; break; }
                bar?.ThrowIfInterrupted();
                SetLearningRate(TrainingBudget.Fraction(run, steps, watch.Elapsed, budget));
                var m = TrainStep(SampleBatch(data, Step), watch.Elapsed);
                run++;
                history.Add(m);
                progress?.Report(m);
                if (m.Step % Config.LogEvery == 0 || (steps is { } n && run == n))
                {
                    log?.WriteLine(m.ToCsv());
                    log?.Flush();
                    bar?.Update(run, ("mel", m.Mel), ("l1", m.L1), ("disc", m.Discriminator));
                    curve?.Add(m.Step, ("mel", m.Mel), ("l1 ×10", 10 * m.L1));
                }
                if (Config.CheckpointPath is { } p && Config.CheckpointEvery > 0 && m.Step % Config.CheckpointEvery == 0)
                    SaveCheckpointAt(p, watch.Elapsed);
            }
        }
        catch (OperationCanceledException)
        {
            stoppedBy = "interrupted";
        }
        elapsedBefore += watch.Elapsed;
        if (Config.CheckpointPath is { } path && run > 0) SaveCheckpoint(path);
        return new CodecTrainingResult(run, Step, watch.Elapsed, stoppedBy, history);
    }

    /// <summary>The learning rates at a fraction <paramref name="progress"/> (0…1) of a Train call (see <see cref="CodecTrainerConfig.FinalLearningRateFraction"/>).</summary>
    private void SetLearningRate(double progress)
    {
        var scale = WarmupCosine.At(1.0, Step, 0, progress, Config.FinalLearningRateFraction);
        optG.lr = Config.LearningRate * scale;
        optD.lr = (Config.DiscriminatorLearningRate ?? Config.LearningRate) * scale;
    }

    /// <summary>The codec optimiser's current learning rate.</summary>
    public double LearningRate => optG.lr;

    /// <summary>Trains on the clips of a manifest (<c>manifest.jsonl</c>) or a folder (its manifest, else its WAV files).</summary>
    public CodecTrainingResult Train(string manifestOrFolder, int? steps = null, TimeSpan? budget = null, IProgress<CodecTrainingStep>? progress = null) =>
        Train(LoadClips(manifestOrFolder), steps, budget, progress);

    /// <summary>
    /// One step on a batch (B, 1, T): the codec's update (reconstruction losses, plus adversarial ones after the
    /// warm-up), then possibly the discriminator's. Reseeds the engine's generator from (seed, step).
    /// </summary>
    public CodecTrainingStep TrainStep(Tensor batch) => TrainStep(batch, TimeSpan.Zero);

    private CodecTrainingStep TrainStep(Tensor batch, TimeSpan elapsedInCall)
    {
        if (batch.dim() != 3 || batch.size(1) != 1) throw new ArgumentException($"a training batch is (B, 1, T), got [{string.Join(", ", batch.shape)}]", nameof(batch));
        using var scope = torch.NewDisposeScope();
        torch.manual_seed((ulong)StepSeed(Step, 1));
        var rng = new Random((int)(StepSeed(Step, 2) & 0x7fffffff));
        var adversarial = AdversarialAt(Step);
        Model.train();

        // The codec.
        optG.zero_grad();
        var output = Model.forward(batch);                                       // reconstruction (B, 1, T)
        if (Config.CommitmentWeight > 0 && output.CommitmentLoss.requires_grad)
            (output.CommitmentLoss * Config.CommitmentWeight).backward(retain_graph: true);
        SetRequiresGrad(Discriminator, false);                                   // only the codec learns here
        IReadOnlyDictionary<string, double> values;
        try
        {
            values = balancer.Backward(output.Reconstruction, y =>
            {
                var losses = new Dictionary<string, Tensor> { ["l1"] = CodecLosses.L1(y, batch), ["mel"] = melLoss.Forward(y, batch) };
                if (adversarial)
                {
                    DiscriminatorOutput real;
                    using (torch.no_grad()) real = Discriminator.forward(batch);
                    var fake = Discriminator.forward(y);
                    losses["adv"] = CodecLosses.HingeGenerator(fake.Logits);
                    losses["feat"] = CodecLosses.FeatureMatching(real.FeatureMaps, fake.FeatureMaps);
                }
                return losses;
            });
        }
        finally
        {
            SetRequiresGrad(Discriminator, true);
        }
        optG.step();
        ema?.Update(Model);

        // The discriminator, on the same batch and the reconstruction made before the codec's update.
        var dLoss = double.NaN;
        if (adversarial && (Step - Config.WarmupSteps) % Config.DiscriminatorEvery == 0 && rng.NextDouble() < Config.DiscriminatorProbability)
        {
            optD.zero_grad();
            var real = Discriminator.forward(batch);
            var fake = Discriminator.forward(output.Reconstruction.detach());
            var loss = CodecLosses.HingeDiscriminator(real.Logits, fake.Logits);
            loss.backward();
            optD.step();
            dLoss = loss.item();
        }

        var levels = (int)output.Codes.size(1);
        var perplexity = Model.quantizer.Perplexity(output.Codes).Average();
        Step++;
        return new CodecTrainingStep(Step, elapsedBefore + elapsedInCall, values["l1"], values["mel"],
            values.GetValueOrDefault("adv", double.NaN), values.GetValueOrDefault("feat", double.NaN), output.CommitmentLoss.item(),
            dLoss, levels, Model.Bitrate(levels), perplexity, optG.lr);
    }

    /// <summary>Random segments (B, 1, T) of the clips for step <paramref name="step"/>; clips shorter than a segment are zero-padded.</summary>
    public Tensor SampleBatch(IReadOnlyList<float[]> clips, long step)
    {
        var rng = new Random((int)(StepSeed(step, 0) & 0x7fffffff));
        int n = SegmentSamples, b = Config.BatchSize;
        var data = new float[b * n];
        for (var i = 0; i < b; i++)
        {
            var clip = clips[rng.Next(clips.Count)];
            var start = clip.Length > n ? rng.Next(clip.Length - n + 1) : 0;
            Array.Copy(clip, start, data, i * n, Math.Min(n, clip.Length - start));
        }
        using var flat = torch.tensor(data);
        return flat.view(b, 1, n);
    }

    /// <summary>
    /// Reconstruction quality on clips (each cut to at most <paramref name="maxSeconds"/>), decoding from
    /// <paramref name="levels"/> levels (default all), with the current weights. The mel distance is always the
    /// default <see cref="MultiScaleMelLoss"/> (EnCodec's scales and 64 bands), whatever the training loss's
    /// settings, so runs with different settings compare.
    /// </summary>
    public CodecEvaluation Evaluate(IReadOnlyList<AudioClip> clips, int? levels = null, double maxSeconds = 2.0) =>
        Evaluate(Model, clips, levels, maxSeconds);

    /// <summary>Reconstruction quality of any codec on clips (see <see cref="Evaluate(IReadOnlyList{AudioClip}, int?, double)"/>).</summary>
    public static CodecEvaluation Evaluate(CodecModel model, IReadOnlyList<AudioClip> clips, int? levels = null, double maxSeconds = 2.0, MultiScaleMelLoss? mel = null)
    {
        mel ??= new MultiScaleMelLoss(model.SampleRate);
        var n = levels ?? model.Levels;
        var wasTraining = model.training;
        model.eval();
        try
        {
            double melSum = 0, l1Sum = 0, snrSum = 0;
            var count = 0;
            foreach (var clip in clips)
            {
                var samples = PrepareClip(clip, model.SampleRate);
                var len = Math.Min(samples.Length, (int)(maxSeconds * model.SampleRate));
                if (len < mel.WindowSizes.Max()) continue;
                using var scope = torch.NewDisposeScope();
                using var _ = torch.no_grad();
                var x = torch.tensor(samples[..len]).view(1, 1, len);               // (1, 1, T)
                var y = model.Decode(model.Encode(x, n), n).narrow(-1, 0, len);   // (1, 1, T)
                melSum += mel.Forward(y, x).item();
                l1Sum += CodecLosses.L1(y, x).item();
                snrSum += CodecLosses.SiSnr(y, x);
                count++;
            }
            if (count == 0) throw new ArgumentException($"no clip is long enough to evaluate (at least {mel.WindowSizes.Max()} samples)", nameof(clips));
            return new CodecEvaluation(n, model.Bitrate(n), melSum / count, l1Sum / count, snrSum / count);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    // ---- checkpoints ----

    /// <summary>The training state beside a checkpoint: <c>codec.safetensors</c> → <c>codec.trainer.json</c> (the trainer config).</summary>
    public static string TrainerConfigPath(string path) => Path.ChangeExtension(path, ".trainer.json");

    /// <summary>
    /// Saves everything needed to resume, through the engine's <see cref="Checkpoint"/>: the codec's weights at
    /// <paramref name="path"/> and its config beside it (so <see cref="CodecModel.Load"/> reads a training
    /// checkpoint as it is), and in the "optimizer" file (<c>.optim.safetensors</c>) the discriminator
    /// (<c>discriminator.*</c>), both optimizers (<c>optim_g.*</c>, <c>optim_d.*</c>), the weight average
    /// (<c>ema.*</c>), the balancer's norm averages (<c>balancer.*</c>) and the step, seed and elapsed time
    /// (<c>trainer.*</c>). The trainer config goes to <see cref="TrainerConfigPath"/>. Each file is written atomically
    /// and the codec config last.
    /// </summary>
    public void SaveCheckpoint(string path) => SaveCheckpointAt(path, TimeSpan.Zero);

    private void SaveCheckpointAt(string path, TimeSpan elapsedInCall)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var scope = torch.NewDisposeScope();
        var state = new Dictionary<string, Tensor>();
        foreach (var (k, v) in Discriminator.state_dict()) state["discriminator." + k] = v;
        foreach (var (k, v) in optG.state_dict()) state["optim_g." + k] = v;
        foreach (var (k, v) in optD.state_dict()) state["optim_d." + k] = v;
        if (ema is not null) foreach (var (k, v) in ema.State) state["ema." + k] = v;
        foreach (var (k, (t, c)) in balancer.State)
        {
            state[$"balancer.{k}.total"] = torch.scalar_tensor(t, ScalarType.Float64);
            state[$"balancer.{k}.count"] = torch.scalar_tensor(c, ScalarType.Float64);
        }
        state["trainer.step"] = torch.scalar_tensor(Step, ScalarType.Float64);
        state["trainer.seed"] = torch.scalar_tensor(Config.Seed, ScalarType.Float64);
        state["trainer.elapsed_s"] = torch.scalar_tensor((elapsedBefore + elapsedInCall).TotalSeconds, ScalarType.Float64);

        var cfg = TrainerConfigPath(path);
        var tmp = cfg + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(Config, JsonOptions) + "\n");
        File.Move(tmp, cfg, overwrite: true);
        Checkpoint.Save(path, Model, Model.Config, state);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> into this trainer (same architectures).</summary>
    public void LoadCheckpoint(string path)
    {
        var state = Checkpoint.LoadOptimizerState(path)
            ?? throw new CheckpointFormatException(Checkpoint.OptimizerPath(path), $"'{path}' has no training state (it is a plain codec checkpoint; train from it without resuming)");
        try
        {
            if (!state.ContainsKey("trainer.step")) throw new CheckpointFormatException(Checkpoint.OptimizerPath(path), "the training state has no 'trainer.step'");
            Dictionary<string, Tensor> Part(string prefix) => state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            Checkpoint.LoadInto(path, Model);
            Discriminator.load_state_dict(Part("discriminator."));
            optG.load_state_dict(Part("optim_g."));
            optD.load_state_dict(Part("optim_d."));
            var emaState = Part("ema.");
            if (ema is not null && emaState.Count > 0) ema.Load(emaState);
            var bal = Part("balancer.");
            balancer.LoadState(bal.Keys.Where(k => k.EndsWith(".total", StringComparison.Ordinal)).Select(k => k[..^".total".Length])
                .ToDictionary(n => n, n => (bal[n + ".total"].item(), bal[n + ".count"].item())));
            Step = (long)state["trainer.step"].item();
            elapsedBefore = TimeSpan.FromSeconds(state.TryGetValue("trainer.elapsed_s", out var e) ? e.item() : 0);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>
    /// A trainer that continues from a checkpoint: the codec and its config, the trainer config (or
    /// <paramref name="config"/>, e.g. with another time budget or checkpoint path), and all training state.
    /// </summary>
    public static CodecTrainer Resume(string path, CodecTrainerConfig? config = null)
    {
        config ??= ReadTrainerConfig(path);
        var model = CodecModel.Load(path);
        var trainer = new CodecTrainer(model, config);
        try { trainer.LoadCheckpoint(path); }
        catch { trainer.Dispose(); model.Dispose(); throw; }
        return trainer;
    }

    /// <summary>
    /// The trainer config saved beside a checkpoint, its checkpoint and log paths moved to where the checkpoint is now
    /// (<see cref="MusicLM.Training.TrainerState.Relocated"/>).
    /// </summary>
    public static CodecTrainerConfig ReadTrainerConfig(string path)
    {
        var cfg = TrainerConfigPath(path);
        if (!File.Exists(cfg)) throw new CheckpointFormatException(cfg, $"'{path}' has no trainer config beside it");
        CodecTrainerConfig c;
        try { c = JsonSerializer.Deserialize<CodecTrainerConfig>(File.ReadAllText(cfg), JsonOptions) ?? throw new CheckpointFormatException(cfg, "the trainer config is null"); }
        catch (JsonException ex) { throw new CheckpointFormatException(cfg, $"the trainer config is not valid ({ex.Message})", ex); }
        return c with
        {
            CheckpointPath = MusicLM.Training.TrainerState.Relocated(c.CheckpointPath, c.CheckpointPath, path),
            LogPath = MusicLM.Training.TrainerState.Relocated(c.LogPath, c.CheckpointPath, path),
        };
    }

    // ---- data ----

    /// <summary>
    /// Clips of a manifest (<c>manifest.jsonl</c>: its "train" split when it has one, else every entry; audio paths
    /// relative to the manifest) or a folder (its <c>manifest.jsonl</c>, else every <c>.wav</c> in it, recursively).
    /// </summary>
    public static IReadOnlyList<AudioClip> LoadClips(string manifestOrFolder)
    {
        string? manifest = null;
        if (Directory.Exists(manifestOrFolder))
        {
            var m = Path.Combine(manifestOrFolder, SyntheticDataset.ManifestFile);
            if (File.Exists(m)) manifest = m;
            else
            {
                var wavs = Directory.GetFiles(manifestOrFolder, "*.wav", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
                if (wavs.Count == 0) throw new ArgumentException($"'{manifestOrFolder}' has no {SyntheticDataset.ManifestFile} and no .wav files");
                return wavs.Select(AudioFile.Read).ToList();
            }
        }
        else if (File.Exists(manifestOrFolder)) manifest = manifestOrFolder;
        else throw new FileNotFoundException($"no training data at '{manifestOrFolder}' (give a folder or a manifest.jsonl)", manifestOrFolder);

        var entries = Manifest.Read(manifest);
        var train = entries.Where(e => e.Split == "train").ToList();
        if (train.Count == 0) train = entries;
        if (train.Count == 0) throw new ArgumentException($"'{manifest}' lists no clips");
        var root = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        return train.Select(e => AudioFile.Read(Path.IsPathRooted(e.Audio) ? e.Audio : Path.Combine(root, e.Audio))).ToList();
    }

    private float[] PrepareClip(AudioClip clip) => PrepareClip(clip, Model.SampleRate);

    /// <summary>Mono (the channels' mean) at <paramref name="sampleRate"/>.</summary>
    private static float[] PrepareClip(AudioClip clip, int sampleRate)
    {
        var mono = clip.ToMono();
        return (mono.SampleRate == sampleRate ? mono : Resampler.Resample(mono, sampleRate)).Channel(0);
    }

    private StreamWriter? OpenLog()
    {
        if (Config.EffectiveLogPath is not { } p) return null;
        var dir = Path.GetDirectoryName(Path.GetFullPath(p));
        if (dir is not null) Directory.CreateDirectory(dir);
        var fresh = !File.Exists(p) || new FileInfo(p).Length == 0 || Step == 0;
        if (!fresh && File.ReadLines(p).FirstOrDefault() != CodecTrainingStep.CsvHeader)
        {
            // A log with other columns (an older version's) is kept beside the new one rather than mixed into it.
            File.Move(p, Path.ChangeExtension(p, $".before-step-{Step}.csv"), overwrite: true);
            fresh = true;
        }
        var w = new StreamWriter(p, append: !fresh);
        if (fresh) w.WriteLine(CodecTrainingStep.CsvHeader);
        return w;
    }

    private static void SetRequiresGrad(Module m, bool on)
    {
        foreach (var p in m.parameters()) p.requires_grad = on;
    }

    /// <summary>The seed of (run seed, step, stream): see <see cref="MusicLM.Training.StepSeed"/>.</summary>
    private long StepSeed(long step, int stream) => MusicLM.Training.StepSeed.For(Config.Seed, step, stream);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public void Dispose()
    {
        optG.Dispose();
        optD.Dispose();
        Discriminator.Dispose();
        ema?.Dispose();
    }
}

using System.Diagnostics;
using System.Text.Json;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.MuLan;
using MusicLM.OneStage;
using MusicLM.Semantic;
using MusicLM.Stages;
using MusicLM.Torch;

namespace MusicLM.Generation;

/// <summary>Which recipes <see cref="CoursePreparation"/> follows: the notebooks' workshop modes, or their quick modes (tiny stages, few clips: for checks).</summary>
public enum PreparationRecipe { Workshop, Quick }

/// <summary>How far <see cref="CoursePreparation"/> has got: step <c>Index</c> of <c>Count</c> ("codec", …), the fraction of that step done, a short detail, and the step's time.</summary>
public readonly record struct PreparationProgress(string Step, int Index, int Count, double Fraction, string Detail, TimeSpan Elapsed);

/// <summary>What one step of the preparation did: "trained", "resumed" (continued a checkpoint an interrupted run left), "extended" (continued a finished step that had a smaller budget) or "kept" (done by an earlier run), its time in this run, training steps in all, and what it reached.</summary>
public sealed record PreparedStep(string Step, string Status, double Seconds, long TrainingSteps, string Reached, string Checkpoint);

/// <summary>
/// <c>musiclm course prepare</c>: trains the codec, the semantic tokenizer, MuLan and the three stages in order into the
/// data folder, each as its notebook's workshop mode does (02–07) but within one budget per step, so an instructor
/// prepares once (on a GPU, or overnight) and every notebook then loads what it needs. Between the models it computes
/// the token streams the stages train on (<see cref="CourseStages.Tokens"/>).
/// <para>
/// Resumable: each step's outcome is written to <c>prepare.json</c> in the data folder as soon as it ends, and a
/// step an interrupted run was in continues from its last checkpoint (codec and stages save every 200 steps) with
/// what is left of its budget. Steps done by an earlier run are kept, except that a model an earlier run trained
/// with a smaller budget (the codec, a stage) continues from its checkpoint to the new one; a stage is redone when the
/// token streams it was trained on changed (a retrained codec, say). <c>fresh</c> starts every step over. Each step
/// gets the budget per step times its <see cref="Share"/>.
/// </para>
/// </summary>
public sealed class CoursePreparation
{
    public const string StateFile = "prepare.json";
    public static readonly string[] Steps = ["codec", "semantic tokenizer", "MuLan", "tokens", "semantic stage", "coarse stage", "fine stage", "one-stage model"];

    /// <summary>
    /// Each step's budget in units of the budget per step. The coarse stage gets <see cref="CoarseShare"/> of them: it
    /// is where the prompt got lost (lib/MusicLM/Generation/README.md): after 461 steps (8 minutes) its codes, sampled
    /// from real semantic tokens, carried no style the judge could hear; after 2,149 they did. The tokens step computes
    /// what it must and has no budget.
    /// </summary>
    public static double Share(string step) => step switch { "coarse stage" => CoarseShare, "one-stage model" => OneStageShare, _ => 1 };

    /// <summary>The coarse stage's budget in units of the budget per step.</summary>
    public const double CoarseShare = 5;

    /// <summary>
    /// The one-stage model's (MusicGen, notebook 09) budget in units of the budget per step: it does the work of all three
    /// stages in one transformer, so it gets more than one stage and less than the hierarchy's seven units.
    /// </summary>
    public const double OneStageShare = 2;

    /// <summary>Wall time of all the budgeted steps for a budget per step: 10 × for the course's shares.</summary>
    public static TimeSpan TotalBudget(TimeSpan budgetPerStep) =>
        budgetPerStep * Steps.Where(s => s != "tokens").Sum(Share);

    private const int Rate = 16000;
    private readonly string root;
    private readonly TimeSpan budget;
    private readonly PreparationRecipe recipe;
    private readonly IProgress<PreparationProgress>? progress;
    private readonly Action<string> log;
    private readonly Device? device;
    private readonly Dictionary<string, StepRecord> state;

    /// <param name="dataRoot">The data folder (null: <see cref="DataFolder.Root"/>).</param>
    /// <param name="budgetPerStep">Wall time for each training step (the tokens step is not budgeted: it computes what it must).</param>
    /// <param name="recipe">The notebooks' workshop recipes, or their quick ones.</param>
    /// <param name="progress">Where each step reports how far it has got.</param>
    /// <param name="log">One line per event: a step kept, started, continued or done.</param>
    /// <param name="device">Where MuLan, the tokenizer and the stages train (null: the CPU); the codec trains on the CPU.</param>
    /// <param name="fresh">Ignore what earlier runs did and train every step again.</param>
    public CoursePreparation(string? dataRoot, TimeSpan budgetPerStep, PreparationRecipe recipe = PreparationRecipe.Workshop,
                             IProgress<PreparationProgress>? progress = null, Action<string>? log = null, Device? device = null, bool fresh = false)
    {
        if (budgetPerStep <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(budgetPerStep), budgetPerStep, "the budget per step must be positive");
        root = Path.GetFullPath(dataRoot ?? DataFolder.Root);
        Directory.CreateDirectory(root);
        budget = budgetPerStep;
        this.recipe = recipe;
        this.progress = progress;
        this.log = log ?? (_ => { });
        this.device = device is { IsCuda: true } ? device : null;
        state = fresh ? new() : ReadState(StatePath(root));
    }

    public static string StatePath(string dataRoot) => Path.Combine(Path.GetFullPath(dataRoot), StateFile);

    private bool Quick => recipe == PreparationRecipe.Quick;
    private string RecipeName => Quick ? "quick" : "workshop";

    /// <summary>Names the semantic stage's training on audio and caption conditioning in its step's inputs.</summary>
    private const string CaptionRecipe = "audio+caption conditioning";

    /// <summary>Runs every step in order; returns what each did. Models are disposed at the end; load them with <see cref="TextToMusic.Load"/>.</summary>
    public IReadOnlyList<PreparedStep> Run(CancellationToken cancellation = default)
    {
        var done = new List<PreparedStep>();
        var paths = TextToMusic.CheckpointPaths(root);
        foreach (var (_, p) in paths) Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        using var codec = Step(0, paths[0].Path, RecipeName, done, cancellation, TrainCodec, p => LoadOnDevice(CodecModel.Load(p)));
        using var semantic = Step(1, paths[1].Path, RecipeName, done, cancellation, FitSemantic, p => LoadOnDevice(SemanticTokenizer.Load(p)));
        using var mulan = Step(2, paths[2].Path, RecipeName, done, cancellation, TrainMuLan, p => LoadOnDevice(MuLanModel.Load(p)));
        cancellation.ThrowIfCancellationRequested();
        var (train, heldOut) = ComputeTokens(codec, semantic, mulan, done);
        var fingerprint = train.Spec.Fingerprint + "/" + heldOut.Spec.Fingerprint + "/" + RecipeName;
        for (var k = 0; k < 3; k++)
        {
            var kind = (StageKind)k;
            cancellation.ThrowIfCancellationRequested();
            // The semantic stage also learns from the captions' text tokens (StageTokenSet.CaptionConditioned): a stage
            // prepared before it did is trained again.
            var inputs = kind == StageKind.Semantic ? fingerprint + "/" + CaptionRecipe : fingerprint;
            using var stage = Step(4 + k, paths[3 + k].Path, inputs, done, cancellation,
                (path, resume, stepBudget, report) => TrainStage(kind, kind == StageKind.Semantic ? train.AudioAndCaptionConditioned(mulan) : train.Clips,
                    heldOut, path, resume, stepBudget, report), p => StageModel.Load(p, kind));
        }
        cancellation.ThrowIfCancellationRequested();
        using var oneStage = Step(7, MusicGen.ModelPath(root), fingerprint, done, cancellation,
            (path, resume, stepBudget, report) => TrainOneStage(codec, mulan, train, heldOut, path, resume, stepBudget, report), MusicGenModel.Load);
        return done;
    }

    // ---- the step machinery ----

    /// <summary>Trains a step's model into <c>path</c> (continuing its checkpoint when <c>resume</c>) until <c>budget</c> of training time in all.</summary>
    private delegate (T Model, long Steps, string Reached) Trainer<T>(string path, bool resume, TimeSpan budget, Action<double, string> report);

    /// <summary>
    /// One model step: kept when an earlier run finished it with the same inputs and budget; continued when an
    /// interrupted run started it with the same inputs and left a checkpoint, or when an earlier run finished it with a
    /// smaller budget (models that can continue: the codec and the stages); else trained afresh. Its record is written
    /// when it ends.
    /// </summary>
    private T Step<T>(int index, string path, string inputs, List<PreparedStep> done, CancellationToken cancellation,
                      Trainer<T> train, Func<string, T> load) where T : IDisposable
    {
        cancellation.ThrowIfCancellationRequested();
        var name = Steps[index];
        var stepBudget = budget * Share(name);
        var watch = Stopwatch.StartNew();
        Report(index, 0, "starting", watch);
        state.TryGetValue(name, out var r);
        var same = r is not null && r.Inputs == inputs && File.Exists(path);
        // A finished step that had less time than this run gives it (an earlier, shorter prepare) is continued.
        var extend = same && r!.State == "done" && ResumableStep(index)
                     && (r.BudgetSeconds > 0 ? r.BudgetSeconds : r.Seconds) < 0.95 * stepBudget.TotalSeconds;
        if (same && r!.State == "done" && !extend)
        {
            var kept = load(path);
            log($"{name}: kept ({r.Reached}; {path})");
            done.Add(new PreparedStep(name, "kept", r.Seconds, r.TrainingSteps, r.Reached, path));
            Report(index, 1, "kept", watch);
            return kept;
        }
        var before = extend ? r!.Seconds : 0;
        var resume = extend || (same && r!.State == "started" && ResumableStep(index));
        Save(name, new StepRecord("started", inputs, 0, 0, ""));
        log(extend ? $"{name}: continuing {path}, trained for {CourseModels.Seconds(TimeSpan.FromSeconds(before))} before, to {CourseModels.Seconds(stepBudget)} in all"
            : resume ? $"{name}: continuing the interrupted run's checkpoint {path}" : $"{name}: training for up to {CourseModels.Seconds(stepBudget)}");
        var (model, steps, reached) = train(path, resume, stepBudget, (f, detail) => Report(index, f, detail, watch));
        Save(name, new StepRecord("done", inputs, before + watch.Elapsed.TotalSeconds, steps, reached, stepBudget.TotalSeconds));
        // A model retrained upstream invalidates the records that depend on it: the stages' inputs include the tokens' fingerprint.
        done.Add(new PreparedStep(name, extend ? "extended" : resume ? "resumed" : "trained", watch.Elapsed.TotalSeconds, steps, reached, path));
        log($"{name}: {reached} in {watch.Elapsed.TotalSeconds:0} s; saved to {path}");
        Report(index, 1, reached, watch);
        return model;
    }

    private static bool ResumableStep(int index) => index is 0 or >= 4;

    private void Report(int index, double fraction, string detail, Stopwatch watch) =>
        progress?.Report(new PreparationProgress(Steps[index], index, Steps.Length, Math.Clamp(fraction, 0, 1), detail, watch.Elapsed));

    private T LoadOnDevice<T>(T model) where T : Torch.nn.Module
    {
        if (device is { } d) model.to(d);
        model.eval();
        return model;
    }

    // ---- the recipes (each notebook's workshop mode; quick: its quick mode) ----

    private (CodecModel, long, string) TrainCodec(string path, bool resume, TimeSpan budget, Action<double, string> report)
    {
        var clips = Render(Quick ? 6 : 64).Select(c => c.Audio).ToList();
        CodecTrainer trainer;
        if (resume) trainer = CodecTrainer.Resume(path);
        else
        {
            torch.manual_seed(0);
            var model = CodecModel.Course();     // the codec trainer runs on the CPU (its discriminator and losses are built there)
            trainer = new CodecTrainer(model, new CodecTrainerConfig
            {
                CheckpointPath = path, BatchSize = Quick ? 2 : 8, ShowProgress = false,
            });
        }
        using (trainer)
        {
            var left = budget - trainer.Elapsed;
            var result = left > TimeSpan.FromMilliseconds(100)
                ? trainer.Train(clips, budget: left, progress: Relay<CodecTrainingStep>(s => report(Fraction(s.Elapsed, left), $"step {s.Step}, mel {s.Mel:0.###}")))
                : trainer.Train(clips, steps: 1);
            trainer.SaveCheckpoint(path);
            trainer.Model.eval();
            var mel = CodecTrainer.Evaluate(trainer.Model, Render(2, 1_000_000).Select(c => c.Audio).ToList());
            LoadOnDevice(trainer.Model);
            return (trainer.Model, trainer.Step, $"{trainer.Step} steps, held-out mel distance {mel.MelDistance:0.###}");
        }
    }

    private (SemanticTokenizer, long, string) FitSemantic(string path, bool resume, TimeSpan budget, Action<double, string> report)
    {
        var clips = Render(Quick ? 12 : 200).Select(c => c.Audio).ToList();
        var preset = Quick ? SemanticTokenizerConfig.Quick : new SemanticTokenizerConfig();
        var config = preset with { Clusters = Quick ? 32 : 256, MaskedPrediction = preset.MaskedPrediction with { Steps = Quick ? 30 : 300 } };
        var watch = Stopwatch.StartNew();
        var tokenizer = SemanticTokenizer.Fit(clips, config, budget, Relay<SemanticFitProgress>(p =>
            report(Fraction(watch.Elapsed, budget), $"{p.Stage} {p.Step}" + (p.Total is { } t ? $"/{t}" : ""))));
        tokenizer.Save(path);
        LoadOnDevice(tokenizer);
        long steps = tokenizer.Report?.Training.Count ?? 0;
        return (tokenizer, steps, $"iteration {tokenizer.Iteration}, {tokenizer.VocabularySize} tokens");
    }

    private (MuLanModel, long, string) TrainMuLan(string path, bool resume, TimeSpan budget, Action<double, string> report)
    {
        var n = Quick ? 48 : 1500;
        var captions = Enumerable.Range(0, n).Select(i => SyntheticMusic.Compose(ClipSpec.Random(i, Rate, 10)).Caption).ToList();
        torch.manual_seed(0);
        var mulan = MuLanModel.Course(captions, seed: 0);
        if (device is { } d) mulan.to(d);
        var features = new List<MuLanFeatures>();
        var heldOut = new List<MuLanFeatures>();
        try
        {
            var watch = Stopwatch.StartNew();
            for (var start = 0; start < n; start += 100)
            {
                var chunk = Enumerable.Range(start, Math.Min(100, n - start)).AsParallel().AsOrdered()
                    .Select(i => MuLanExample.From(SyntheticMusic.Generate(seed: i, sampleRate: Rate, durationS: 10))).ToList();
                features.AddRange(MuLanFeatures.Compute(mulan, chunk));
                report(0.3 * features.Count / n, $"features of {features.Count}/{n} clips");
            }
            heldOut.AddRange(MuLanFeatures.Compute(mulan, Render(Quick ? 16 : 64, 1_000_000).Select(MuLanExample.From).ToList()));
            var config = Quick ? new MuLanTrainerConfig { BatchSize = 16, CropSeconds = 2, WarmupSteps = 10, EvalEvery = 0 } : new MuLanTrainerConfig { EvalEvery = 0 };
            using var trainer = new MuLanTrainer(mulan, config);
            var left = budget - watch.Elapsed;
            var result = left > TimeSpan.FromMilliseconds(100)
                ? trainer.Train(features, budget: left, progress: Relay<MuLanTrainingStep>(s => report(0.3 + 0.7 * Fraction(s.Elapsed, left), $"step {s.Step}, loss {s.Loss:0.###}")))
                : trainer.Train(features, steps: 1);
            trainer.FitQuantizer(features);
            var (r1, r5) = trainer.HeldOutRecall(heldOut);
            trainer.SaveCheckpoint(path);
            mulan.eval();
            return (mulan, trainer.Step, $"{trainer.Step} steps, held-out text→audio R@1 {r1:P0}, R@5 {r5:P0} of {heldOut.Count}");
        }
        catch { mulan.Dispose(); throw; }
        finally { foreach (var f in features.Concat(heldOut)) f.Mel.Dispose(); }
    }

    private (StageTokenSet Train, StageTokenSet HeldOut) ComputeTokens(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan, List<PreparedStep> done)
    {
        var watch = Stopwatch.StartNew();
        int trainClips = Quick ? 24 : 400, heldOutClips = Quick ? 8 : 40;
        Report(3, 0, $"{trainClips + heldOutClips} clips", watch);
        var messages = new List<string>();
        var result = CourseStages.Tokens(codec, semantic, mulan, trainClips, heldOutClips, messages.Add,
            Relay<StageTokenProgress>(p => Report(3, (double)p.ClipsDone / p.Clips, $"{p.ClipsDone}/{p.Clips} clips", watch)), root);
        var cached = messages.Count > 0 && messages.All(m => m.StartsWith("loaded", StringComparison.Ordinal));
        foreach (var m in messages) log($"tokens: {m}");
        var reached = $"{result.Train.Count} training and {result.HeldOut.Count} held-out clips";
        done.Add(new PreparedStep("tokens", cached ? "kept" : "computed", watch.Elapsed.TotalSeconds, 0, reached, CourseStages.TokensPath(false, root)));
        Report(3, 1, reached, watch);
        return result;
    }

    private (StageModel, long, string) TrainStage(StageKind kind, IReadOnlyList<ClipTokens> train, StageTokenSet heldOut, string path, bool resume, TimeSpan budget, Action<double, string> report)
    {
        StageTrainer trainer;
        if (resume) trainer = StageTrainer.Resume(path, StageTrainer.ReadConfig(path) with { Device = device }, kind);   // the device is this run's, not saved
        else
        {
            torch.manual_seed(0);
            var model = new StageModel(CourseStages.Config(kind, heldOut.Spec, Quick));
            trainer = new StageTrainer(model, CourseStages.Trainer(kind, Quick) with
            {
                CheckpointPath = path, ShowProgress = false, Device = device, LogPath = Path.ChangeExtension(path, ".csv"),
            });
        }
        using (trainer)
        {
            var left = budget - trainer.Elapsed;
            var result = left > TimeSpan.FromMilliseconds(100)
                ? trainer.Train(train, budget: left, validation: heldOut.Clips,
                    progress: Relay<StageTrainingStep>(s => report(Fraction(s.Elapsed, left), $"step {s.Step}, loss {s.Loss:0.###}")))
                : trainer.Train(train, steps: 1);
            trainer.SaveCheckpoint(path);
            trainer.Model.eval();
            var (loss, accuracy) = trainer.HeldOut(heldOut.Clips);
            return (trainer.Model, trainer.Step, $"{trainer.Step} steps, held-out loss {loss:0.###}, accuracy {accuracy:P1}");
        }
    }

    private (MusicGenModel, long, string) TrainOneStage(CodecModel codec, MuLanModel mulan, StageTokenSet train, StageTokenSet heldOut,
                                                        string path, bool resume, TimeSpan budget, Action<double, string> report)
    {
        var trainClips = OneStageClip.From(train, mulan);
        var heldOutClips = OneStageClip.From(heldOut, mulan);
        MusicGenTrainer trainer;
        if (resume) trainer = MusicGenTrainer.Resume(path, StageTrainer.ReadConfig(path) with { Device = device });
        else
        {
            torch.manual_seed(0);
            var model = new MusicGenModel(MusicGen.CourseConfig(codec, mulan, Quick));
            trainer = new MusicGenTrainer(model, MusicGenTrainer.Course() with
            {
                CheckpointPath = path, Device = device, LogPath = Path.ChangeExtension(path, ".csv"),
            });
        }
        using (trainer)
        {
            var left = budget - trainer.Elapsed;
            var result = left > TimeSpan.FromMilliseconds(100)
                ? trainer.Train(trainClips, budget: left, validation: heldOutClips,
                    progress: Relay<StageTrainingStep>(s => report(Fraction(s.Elapsed, left), $"step {s.Step}, loss {s.Loss:0.###}")))
                : trainer.Train(trainClips, steps: 1);
            trainer.SaveCheckpoint(path);
            trainer.Model.eval();
            var (loss, accuracy) = trainer.HeldOut(heldOutClips);
            return (trainer.Model, trainer.Step, $"{trainer.Step} steps, held-out loss {loss:0.###}, accuracy {accuracy:P1}");
        }
    }

    private static double Fraction(TimeSpan elapsed, TimeSpan of) => of > TimeSpan.Zero ? elapsed / of : 1;

    private static IProgress<T> Relay<T>(Action<T> report) => new Training.RelayProgress<T>(report);

    private static List<SynthesizedClip> Render(int n, int first = 0) =>
        Enumerable.Range(first, n).AsParallel().AsOrdered()
            .Select(i => SyntheticMusic.Generate(seed: i, sampleRate: Rate, durationS: 10))
            .ToList();

    // ---- prepare.json ----

    /// <summary>One step's line in <c>prepare.json</c>: "started" or "done", what it was made from, its time, its steps, what it reached, and the budget it was given (0 in files of earlier versions: then its time stands for it).</summary>
    private sealed record StepRecord(string State, string Inputs, double Seconds, long TrainingSteps, string Reached, double BudgetSeconds = 0);

    private sealed record StateFileContent(string Content, int Version, Dictionary<string, StepRecord> Steps);

    private const string Content = "musiclm.course-prepare";

    private static Dictionary<string, StepRecord> ReadState(string path)
    {
        if (!File.Exists(path)) return new();
        try
        {
            var s = JsonSerializer.Deserialize<StateFileContent>(File.ReadAllText(path));
            if (s is { Content: Content, Steps: not null }) return s.Steps;
        }
        catch (JsonException) { }
        // Unreadable: start over rather than trust it; the file is rewritten as steps end.
        return new();
    }

    private void Save(string step, StepRecord record)
    {
        state[step] = record;
        var path = StatePath(root);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(new StateFileContent(Content, 1, state), new JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, path, overwrite: true);
    }
}

using System.Diagnostics;
using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Torch;

namespace MusicLM.Stages;

/// <summary>
/// The earlier notebooks' models for the stage notebooks (05–07): each is loaded from where its notebook saved it
/// (<c>codec/</c>, <c>semantic/</c>, <c>mulan/</c> under the data folder, <c>course.safetensors</c>), or, when absent,
/// trained quickly the way that notebook's quick mode does and saved there, so a late student can start at any stage
/// (DESIGN.md: "loads it from the checkpoint folder, or trains it quickly if absent"). Every call says which
/// happened through its log. A checkpoint that is there but unreadable is a <see cref="Torch.Serialization.CheckpointFormatException"/>:
/// it is never overwritten.
/// <para>
/// Budgets are wall time for the whole fallback: rendering the training clips, then training with what is left
/// (at least one step, so even a spent budget gives a model that has seen the data).
/// </para>
/// </summary>
public static class CourseModels
{
    /// <summary>The file name every course notebook saves its model under.</summary>
    public const string FileName = "course.safetensors";

    private const int Rate = 16000;
    private const double ClipSeconds = 10;

    /// <summary>Notebook 02's codec: <c>DataFolder.For("codec")/course.safetensors</c>.</summary>
    public static string CodecPath => Path.Combine(DataFolder.For("codec"), FileName);
    /// <summary>Notebook 03's semantic tokenizer: <c>DataFolder.For("semantic")/course.safetensors</c>.</summary>
    public static string SemanticPath => Path.Combine(DataFolder.For("semantic"), FileName);
    /// <summary>Notebook 04's MuLan: <c>DataFolder.For("mulan")/course.safetensors</c>.</summary>
    public static string MuLanPath => Path.Combine(DataFolder.For("mulan"), FileName);

    /// <summary>
    /// Notebook 02's codec, or (absent) a course codec trained within <paramref name="trainBudget"/> on 16 ten-second
    /// synthetic clips (seeds 0…15, batches of 4 one-second segments, as notebook 03 does when the codec is missing)
    /// and saved as a training checkpoint, so notebook 02 can resume it. <paramref name="dataRoot"/> replaces the data
    /// folder (tests); null: <see cref="DataFolder.Root"/>.
    /// </summary>
    public static CodecModel Codec(TimeSpan trainBudget, Action<string>? log = null, string? dataRoot = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainBudget, TimeSpan.Zero);
        var path = PathFor("codec", dataRoot);
        if (File.Exists(path))
        {
            var loaded = CodecModel.Load(path);
            loaded.eval();
            log?.Invoke($"using notebook 02's codec: {path}");
            return loaded;
        }
        log?.Invoke($"no codec at {path}: training one for {Seconds(trainBudget)} (notebook 02 trains a better one)");
        var watch = Stopwatch.StartNew();
        var clips = Render(16).Select(c => c.Audio).ToList();
        torch.manual_seed(0);
        var codec = CodecModel.Course();
        try
        {
            // Saved by the trainer at the end, with its state and CSV log, as notebook 02 saves (so it can resume this one).
            var config = new CodecTrainerConfig { BatchSize = 4, ShowProgress = false, CheckpointPath = path, CheckpointEvery = 0 };
            using var trainer = new CodecTrainer(codec, config);
            var result = Remaining(trainBudget, watch) is { } left
                ? trainer.Train(clips, budget: left)
                : trainer.Train(clips, steps: 1);
            if (result.StepsRun == 0) trainer.SaveCheckpoint(path);
            codec.eval();
            log?.Invoke($"trained a codec for {watch.Elapsed.TotalSeconds:0.#} s ({Steps(result.StepsRun)}) and saved it to {path}");
            return codec;
        }
        catch { codec.Dispose(); throw; }
    }

    /// <summary>
    /// Notebook 03's semantic tokenizer, or (absent) one fitted within <paramref name="trainBudget"/> on 12 ten-second
    /// clips (seeds 0…11) with <see cref="SemanticTokenizerConfig.Quick"/> (32 tokens; iteration 1 when the budget
    /// leaves time for it), as notebook 03's quick mode, and saved there.
    /// </summary>
    public static SemanticTokenizer Semantic(TimeSpan trainBudget, Action<string>? log = null, string? dataRoot = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainBudget, TimeSpan.Zero);
        var path = PathFor("semantic", dataRoot);
        if (File.Exists(path))
        {
            var loaded = SemanticTokenizer.Load(path);
            log?.Invoke($"using notebook 03's semantic tokenizer: {path}");
            return loaded;
        }
        log?.Invoke($"no semantic tokenizer at {path}: fitting one for {Seconds(trainBudget)} (notebook 03 fits a better one)");
        var watch = Stopwatch.StartNew();
        var clips = Render(12).Select(c => c.Audio).ToList();
        // Fit always runs iteration 0; a spent budget only skips iteration 1.
        var tokenizer = SemanticTokenizer.Fit(clips, SemanticTokenizerConfig.Quick, Remaining(trainBudget, watch) ?? TimeSpan.Zero);
        try
        {
            tokenizer.Save(path);
            log?.Invoke($"fitted a semantic tokenizer (iteration {tokenizer.Iteration}, {tokenizer.VocabularySize} tokens) in {watch.Elapsed.TotalSeconds:0.#} s and saved it to {path}");
            return tokenizer;
        }
        catch { tokenizer.Dispose(); throw; }
    }

    /// <summary>
    /// Notebook 04's MuLan, or (absent) a course MuLan trained within <paramref name="trainBudget"/> on 48 ten-second
    /// captioned clips (seeds 0…47; batches of 16 two-second crops, as notebook 04's quick mode), its conditioning
    /// quantizer fitted on their audio embeddings, and saved there as a training checkpoint.
    /// </summary>
    public static MuLanModel MuLan(TimeSpan trainBudget, Action<string>? log = null, string? dataRoot = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainBudget, TimeSpan.Zero);
        var path = PathFor("mulan", dataRoot);
        if (File.Exists(path))
        {
            var loaded = MuLanModel.Load(path);
            log?.Invoke($"using notebook 04's MuLan: {path}");
            if (!loaded.quantizer.IsFitted)
                log?.Invoke("  its conditioning quantizer is not fitted yet (notebook 04 fits it near its end): run that notebook to the end");
            return loaded;
        }
        log?.Invoke($"no MuLan at {path}: training one for {Seconds(trainBudget)} (notebook 04 trains a better one)");
        var watch = Stopwatch.StartNew();
        var clips = Render(48);
        torch.manual_seed(0);
        var mulan = MuLanModel.Course(clips.Select(c => c.Caption), seed: 0);
        IReadOnlyList<MuLanFeatures> features = Array.Empty<MuLanFeatures>();
        try
        {
            features = MuLanFeatures.Compute(mulan, clips.Select(MuLanExample.From).ToList());
            using var trainer = new MuLanTrainer(mulan, new MuLanTrainerConfig { BatchSize = 16, CropSeconds = 2, WarmupSteps = 10, EvalEvery = 0 });
            var result = Remaining(trainBudget, watch) is { } left
                ? trainer.Train(features, budget: left)
                : trainer.Train(features, steps: 1);
            trainer.FitQuantizer(features);
            trainer.SaveCheckpoint(path);
            mulan.eval();
            log?.Invoke($"trained MuLan for {watch.Elapsed.TotalSeconds:0.#} s ({Steps(result.StepsRun)}), fitted its conditioning quantizer and saved it to {path}");
            return mulan;
        }
        catch { mulan.Dispose(); throw; }
        finally { foreach (var f in features) f.Mel.Dispose(); }
    }

    /// <summary>The checkpoint of one notebook's model under <paramref name="dataRoot"/> (null: the data folder).</summary>
    private static string PathFor(string folder, string? dataRoot)
    {
        if (dataRoot is null) return Path.Combine(DataFolder.For(folder), FileName);
        var dir = Path.Combine(Path.GetFullPath(dataRoot), folder);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, FileName);
    }

    /// <summary>The training clips of the earlier notebooks' quick modes: seeds 0…n−1, 10 s at 16 kHz, rendered in parallel.</summary>
    private static List<SynthesizedClip> Render(int n) =>
        Enumerable.Range(0, n).AsParallel().AsOrdered()
            .Select(i => SyntheticMusic.Generate(seed: i, sampleRate: Rate, durationS: ClipSeconds))
            .ToList();

    /// <summary>What is left of the budget, or null when too little is left for a step to be worth timing (then one step is taken).</summary>
    private static TimeSpan? Remaining(TimeSpan budget, Stopwatch watch)
    {
        var left = budget - watch.Elapsed;
        return left > TimeSpan.FromMilliseconds(100) ? left : null;
    }

    private static string Steps(int n) => n == 1 ? "1 step" : $"{n} steps";

    /// <summary>A budget as people say it: "45 s", "2.5 min".</summary>
    internal static string Seconds(TimeSpan t) => t.TotalSeconds >= 90 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0.#} s";
}

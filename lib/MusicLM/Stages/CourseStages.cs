using System.Diagnostics;
using MusicLM.Audio.Dataset;
using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;

namespace MusicLM.Stages;

/// <summary>
/// The stage notebooks' shared files (05–07): the token streams of the training and held-out clips, computed once and
/// cached, and each stage's checkpoint, all under <c>stages/</c> in the data folder. Like <see cref="CourseModels"/>,
/// a stage is loaded when its notebook saved it, or trained quickly and saved when absent, and every call says which
/// happened through its log, so a late student can start at notebook 06 or 07.
/// </summary>
public static class CourseStages
{
    /// <summary>Held-out clips are <c>SyntheticMusic</c> seeds from here on (as in notebooks 03 and 04); training clips are 0…N−1.</summary>
    public const int HeldOutSeed = 1_000_000;

    /// <summary>The folder of the stage files: <c>stages/</c> under <paramref name="dataRoot"/> (null: the data folder).</summary>
    public static string Folder(string? dataRoot = null) =>
        dataRoot is null ? DataFolder.For("stages") : Directory.CreateDirectory(Path.Combine(Path.GetFullPath(dataRoot), "stages")).FullName;

    /// <summary>A stage's checkpoint: <c>stages/semantic.safetensors</c>, <c>coarse.safetensors</c> or <c>fine.safetensors</c>.</summary>
    public static string StagePath(StageKind kind, string? dataRoot = null) => Path.Combine(Folder(dataRoot), $"{Name(kind)}.safetensors");

    /// <summary>
    /// How long the model saved at <paramref name="checkpoint"/> trained, from its CSV training log beside it
    /// (<c>coarse.safetensors</c> → <c>coarse.csv</c>, as the notebooks and <c>course prepare</c> write it): the last
    /// line's elapsed time, which counts resumed runs too. Null without a readable log.
    /// </summary>
    public static TimeSpan? TrainingTime(string checkpoint)
    {
        var log = Path.ChangeExtension(checkpoint, ".csv");
        if (!File.Exists(log)) return null;
        var last = File.ReadLines(log).Skip(1).LastOrDefault(l => l.Length > 0);
        var cells = last?.Split(',');
        return cells is { Length: > 1 } && double.TryParse(cells[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s)
            ? TimeSpan.FromSeconds(s) : null;
    }

    /// <summary>A token set's cache: <c>stages/train-tokens.safetensors</c> or <c>stages/heldout-tokens.safetensors</c>.</summary>
    public static string TokensPath(bool heldOut, string? dataRoot = null) =>
        Path.Combine(Folder(dataRoot), heldOut ? "heldout-tokens.safetensors" : "train-tokens.safetensors");

    /// <summary>
    /// The token streams of <paramref name="trainClips"/> training clips (seeds 0…) and <paramref name="heldOutClips"/>
    /// held-out clips (seeds <see cref="HeldOutSeed"/>…), ten seconds each: loaded from the cache when it came from the
    /// same models and seeds, else computed and cached (<see cref="StageTokenSet.LoadOrCompute"/>).
    /// </summary>
    public static (StageTokenSet Train, StageTokenSet HeldOut) Tokens(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan,
        int trainClips, int heldOutClips, Action<string>? log = null, IProgress<StageTokenProgress>? progress = null, string? dataRoot = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainClips, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heldOutClips, 1);
        var total = trainClips + heldOutClips;
        // One count over both sets, so one progress bar covers the call.
        var train = StageTokenSet.LoadOrCompute(TokensPath(false, dataRoot), codec, semantic, mulan,
            Enumerable.Range(0, trainClips).ToArray(), 10, Offset(progress, 0, total), log);
        var heldOut = StageTokenSet.LoadOrCompute(TokensPath(true, dataRoot), codec, semantic, mulan,
            Enumerable.Range(HeldOutSeed, heldOutClips).ToArray(), 10, Offset(progress, trainClips, total), log);
        return (train, heldOut);
    }

    /// <summary>The course's stage for these streams (<see cref="StageConfig.Course"/>), or its tiny version in quick mode.</summary>
    public static StageConfig Config(StageKind kind, StageTokenSpec streams, bool quick = false)
    {
        var course = StageConfig.Course(kind, streams);
        return quick ? course.Tiny() with { Sampling = course.Sampling } : course;
    }

    /// <summary>
    /// The course's trainer settings for a stage: batches sized so a step of the course transformer takes about the
    /// same time in every stage on 2 cores (lib/MusicLM/Stages/README.md), warm-up over the first 50 steps, condition
    /// dropout 0.1.
    /// </summary>
    public static StageTrainerConfig Trainer(StageKind kind, bool quick = false) => new()
    {
        BatchSize = quick ? 8 : kind == StageKind.Semantic ? 16 : 8,
        LearningRate = quick ? 3e-3 : 1e-3,
        WarmupSteps = quick ? 5 : 50,
        EvalEvery = quick ? 5 : 25,
        EvalWindows = quick ? 16 : 64,
    };

    /// <summary>
    /// The stage notebook <paramref name="kind"/>'s checkpoint when it is there and was trained on streams like these;
    /// otherwise a stage trained on <paramref name="train"/> within <paramref name="budget"/> (at least one step) and
    /// saved there. A checkpoint made for other streams (a re-run notebook 03 with another vocabulary, say) is
    /// reported and replaced; one that cannot be read is a <see cref="CheckpointFormatException"/> and is left alone.
    /// With <paramref name="captionsFrom"/>, a stage trained here also learns from the clips conditioned on their
    /// captions' text tokens from that MuLan (<see cref="StageTokenSet.AudioAndCaptionConditioned"/>), as the course's semantic
    /// stage does.
    /// </summary>
    public static StageModel Stage(StageKind kind, StageTokenSet train, TimeSpan budget, bool quick = false,
        Action<string>? log = null, string? dataRoot = null, MuLanModel? captionsFrom = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, TimeSpan.Zero);
        var path = StagePath(kind, dataRoot);
        var notebook = kind switch { StageKind.Semantic => "05", StageKind.Coarse => "06", _ => "07" };
        if (File.Exists(path))
        {
            var loaded = StageModel.Load(path, kind);
            if (Fits(loaded.Config, train.Spec))
            {
                loaded.eval();
                log?.Invoke($"using notebook {notebook}'s {Name(kind)} stage: {path}");
                return loaded;
            }
            log?.Invoke($"the {Name(kind)} stage at {path} was trained on other token streams ({Streams(loaded.Config)}; now {Streams(Config(kind, train.Spec))}): training a new one");
            loaded.Dispose();
        }
        else log?.Invoke($"no {Name(kind)} stage at {path}: training one for {CourseModels.Seconds(budget)} (notebook {notebook} trains a better one)");
        var watch = Stopwatch.StartNew();
        torch.manual_seed(0);
        var model = new StageModel(Config(kind, train.Spec, quick));
        try
        {
            using var trainer = new StageTrainer(model, Trainer(kind, quick) with { EvalEvery = 0 });
            var clips = captionsFrom is null ? train.Clips : train.AudioAndCaptionConditioned(captionsFrom);
            var result = budget > TimeSpan.FromMilliseconds(100) ? trainer.Train(clips, budget: budget) : trainer.Train(clips, steps: 1);
            if (result.StepsRun == 0) trainer.Train(clips, steps: 1);
            trainer.SaveCheckpoint(path);
            model.eval();
            log?.Invoke($"trained a {Name(kind)} stage for {watch.Elapsed.TotalSeconds:0.#} s ({trainer.Step} steps) and saved it to {path}");
            return model;
        }
        catch { model.Dispose(); throw; }
    }

    /// <summary>
    /// Audio (samples of channel 0) decoded from codec levels (levels × frames; the first <c>levels.Length</c> of the
    /// codec's), as the codec's decoder sounds with only those levels.
    /// </summary>
    public static float[] Decode(CodecModel codec, IReadOnlyList<long[]> levels)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Count == 0 || levels.Count > codec.Levels)
            throw new ArgumentException($"give between 1 and {codec.Levels} codec levels, got {levels.Count}", nameof(levels));
        var frames = levels[0].Length;
        if (frames == 0 || levels.Any(l => l.Length != frames)) throw new ArgumentException("every level needs the same, non-zero number of frames", nameof(levels));
        if (levels.SelectMany(l => l).Any(c => c < 0 || c >= codec.Config.CodebookSize))
            throw new ArgumentOutOfRangeException(nameof(levels), $"codes must be in [0, {codec.Config.CodebookSize})");
        using var scope = torch.NewDisposeScope();
        var codes = torch.tensor(levels.SelectMany(l => l).ToArray(), 1, levels.Count, frames).to(StageTokenSet.DeviceOf(codec));   // (1, n, F)
        codec.eval();
        using var audio = codec.Decode(codes);                                                                        // (1, C, F · hop)
        return audio[0, 0].cpu().ToArray<float>();
    }

    /// <summary>
    /// The codec's multi-scale mel distance (EnCodec's scales, 64 bands; the figure notebook 02 reports) between two
    /// renderings of the same music, over their common length. Frame-aligned: it suits audio generated on the
    /// original's timeline (from its semantic tokens), where lower means closer to the original.
    /// </summary>
    public static double MelDistance(int sampleRate, float[] audio, float[] reference)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(reference);
        var mel = new Codec.Training.MultiScaleMelLoss(sampleRate);
        var n = Math.Min(audio.Length, reference.Length);
        if (n < mel.WindowSizes.Max()) throw new ArgumentException($"the audio is too short for the mel distance: {n} samples, at least {mel.WindowSizes.Max()} needed");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var a = torch.tensor(audio[..n]).view(1, 1, n);
        var b = torch.tensor(reference[..n]).view(1, 1, n);
        return mel.Forward(a, b).item();
    }

    /// <summary>Notebook 06's coarse codes generated for held-out clips, which notebook 07 completes: <c>stages/generated-coarse.json</c>.</summary>
    public static string GeneratedCoarsePath(string? dataRoot = null) => Path.Combine(Folder(dataRoot), "generated-coarse.json");

    /// <summary>
    /// Saves generated codes (clips × levels × frames) with the seed of the clip each was generated for, atomically.
    /// </summary>
    public static void SaveCodes(string path, IReadOnlyList<int> seeds, long[][][] codes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(codes);
        if (seeds.Count != codes.Length) throw new ArgumentException($"give one seed per clip: {seeds.Count} seeds, {codes.Length} clips");
        var json = System.Text.Json.JsonSerializer.Serialize(new GeneratedCodes(CodesContent, seeds.ToArray(), codes));
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, json);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Codes saved by <see cref="SaveCodes"/>: the seeds and clips × levels × frames. Anything else is an <see cref="InvalidDataException"/>.</summary>
    public static (int[] Seeds, long[][][] Codes) LoadCodes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        GeneratedCodes? g;
        try { g = System.Text.Json.JsonSerializer.Deserialize<GeneratedCodes>(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{path} is not a file of generated codes: {e.Message}", e); }
        if (g is null || g.Content != CodesContent || g.Seeds is null || g.Codes is null || g.Seeds.Length != g.Codes.Length
            || g.Codes.Any(c => c is null || c.Length == 0 || c.Any(l => l is null || l.Length != c[0].Length)))
            throw new InvalidDataException($"{path} is not a file of generated codes (one seed and levels × frames per clip)");
        return (g.Seeds, g.Codes);
    }

    private const string CodesContent = "musiclm.generated-codes";

    private sealed record GeneratedCodes(string Content, int[] Seeds, long[][][] Codes);

    private static IProgress<StageTokenProgress>? Offset(IProgress<StageTokenProgress>? progress, int before, int total) =>
        progress is null ? null : new Training.RelayProgress<StageTokenProgress>(p => progress.Report(p with { ClipsDone = before + p.ClipsDone, Clips = total }));

    /// <summary>
    /// How closely audio follows a reference's timeline, by what a listener follows rather than by spectral
    /// averages: the Pearson correlation of their chroma (12 pitch classes × frames, harmony) and of their onset
    /// strength envelopes (rhythm), over their common length. 1 is the same harmony and rhythm at the same times; 0 is
    /// unrelated music or noise — which a mel distance, an average over frames, cannot tell apart from a blur.
    /// </summary>
    public static (double Harmony, double Rhythm) Follows(int sampleRate, float[] audio, float[] reference)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(reference);
        var n = Math.Min(audio.Length, reference.Length);
        var chroma = new Audio.Dsp.Chroma(new Audio.Dsp.ChromaConfig(sampleRate));
        if (n < chroma.Config.NFft) throw new ArgumentException($"the audio is too short to compare: {n} samples, at least {chroma.Config.NFft} needed");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var a = torch.tensor(audio[..n]);
        var b = torch.tensor(reference[..n]);
        var harmony = Pearson(chroma.Forward(a).ToArray<float>(), chroma.Forward(b).ToArray<float>());
        var rhythm = Pearson(Audio.Dsp.OnsetStrength.Compute(a, sampleRate).ToArray<float>(), Audio.Dsp.OnsetStrength.Compute(b, sampleRate).ToArray<float>());
        return (harmony, rhythm);
    }

    private static double Pearson(float[] x, float[] y)
    {
        var n = Math.Min(x.Length, y.Length);
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++) { var dx = x[i] - mx; var dy = y[i] - my; sxy += dx * dy; sxx += dx * dx; syy += dy * dy; }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }

    private static bool Fits(StageConfig c, StageTokenSpec s) =>
        c.ConditioningLevels == s.ConditioningLevels && c.ConditioningCodebook == s.ConditioningCodebook && c.SemanticVocabulary == s.SemanticVocabulary
        && c.CodecLevels == s.CodecLevels && c.CodebookSize == s.CodebookSize && c.FrameRatio == s.FrameRatio;

    private static string Streams(StageConfig c) =>
        $"{c.ConditioningLevels}×{c.ConditioningCodebook} conditioning, {c.SemanticVocabulary} semantic, {c.CodecLevels}×{c.CodebookSize} codec";

    private static string Name(StageKind kind) => kind.ToString().ToLowerInvariant();
}

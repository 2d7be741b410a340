using System.Diagnostics;
using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Generation;

/// <summary>
/// MusicLM's generation (§3.3, Figure 2 right): a text prompt → MuLan's text embedding → its conditioning tokens →
/// semantic tokens (semantic stage) → coarse codec levels (coarse stage) → fine levels (fine stage) → the codec's
/// decoder → audio. Each stage runs by sliding-window continuation past its training window
/// (<see cref="Continuation"/>), so clips can be longer than any window; an audio prompt's tokens can start the
/// sequences (continuation, AudioLM §4.2); several candidates per prompt can be ranked by MuLan similarity. Every
/// intermediate comes back in the <see cref="GeneratedMusic"/>, with each stage's time.
/// <para>
/// The models must have been trained on each other's token streams: the constructor checks the stages' vocabularies
/// and frame ratio against the codec, MuLan and the semantic tokenizer, and throws
/// <see cref="IncompatibleModelsException"/> naming the first mismatch. The pipeline does not own the models unless it
/// loaded them (<see cref="Load"/>); disposing it then disposes them.
/// </para>
/// </summary>
public sealed class TextToMusic : IMusicGenerator, IDisposable
{
    private readonly bool owns;

    public TextToMusic(CodecModel codec, MuLanModel mulan, StageModel semantic, StageModel coarse, StageModel fine,
                       SemanticTokenizer? tokenizer = null) : this(codec, mulan, semantic, coarse, fine, tokenizer, owns: false) { }

    private TextToMusic(CodecModel codec, MuLanModel mulan, StageModel semantic, StageModel coarse, StageModel fine,
                        SemanticTokenizer? tokenizer, bool owns)
    {
        Codec = codec ?? throw new ArgumentNullException(nameof(codec));
        MuLan = mulan ?? throw new ArgumentNullException(nameof(mulan));
        SemanticStage = semantic ?? throw new ArgumentNullException(nameof(semantic));
        CoarseStage = coarse ?? throw new ArgumentNullException(nameof(coarse));
        FineStage = fine ?? throw new ArgumentNullException(nameof(fine));
        Tokenizer = tokenizer;
        this.owns = owns;
        Check();
    }

    public CodecModel Codec { get; }
    public MuLanModel MuLan { get; }
    public StageModel SemanticStage { get; }
    public StageModel CoarseStage { get; }
    public StageModel FineStage { get; }
    public string Name => "MusicLM";
    /// <summary>Parameters of the three stages.</summary>
    public long GeneratorParameters => new[] { SemanticStage, CoarseStage, FineStage }.Sum(m => m.parameters().Sum(p => p.numel()));
    /// <summary>The semantic tokenizer: needed only to continue an audio prompt.</summary>
    public SemanticTokenizer? Tokenizer { get; }

    /// <summary>Codec frames per semantic frame (2: 50 Hz and 25 Hz in the course).</summary>
    public int FrameRatio => CoarseStage.Config.FrameRatio;
    /// <summary>Semantic frames per second.</summary>
    public double SemanticFrameRate => Codec.FrameRate / FrameRatio;
    public int SampleRate => Codec.SampleRate;

    /// <summary>
    /// The course's prepared models from the data folder (<paramref name="dataRoot"/>, null: <see cref="DataFolder.Root"/>):
    /// <c>codec/</c>, <c>semantic/</c>, <c>mulan/</c> and <c>stages/</c>, as <c>musiclm course prepare</c> and notebooks
    /// 02–07 save them, moved to <paramref name="device"/> (null: the CPU). A missing file is a
    /// <see cref="MissingCheckpointException"/> naming the command that makes it; an unreadable one a
    /// <see cref="Torch.Serialization.CheckpointFormatException"/>.
    /// </summary>
    public static TextToMusic Load(string? dataRoot = null, Device? device = null)
    {
        var root = Path.GetFullPath(dataRoot ?? DataFolder.Root);
        var paths = CheckpointPaths(root);
        foreach (var (what, path) in paths)
            if (!File.Exists(path)) throw new MissingCheckpointException(what, path);
        var loaded = new List<IDisposable>();
        try
        {
            T Keep<T>(T m) where T : IDisposable { loaded.Add(m); return m; }
            var codec = Keep(CodecModel.Load(paths[0].Path));
            var tokenizer = Keep(SemanticTokenizer.Load(paths[1].Path));
            var mulan = Keep(MuLanModel.Load(paths[2].Path));
            var semantic = Keep(StageModel.Load(paths[3].Path, StageKind.Semantic));
            var coarse = Keep(StageModel.Load(paths[4].Path, StageKind.Coarse));
            var fine = Keep(StageModel.Load(paths[5].Path, StageKind.Fine));
            if (!mulan.quantizer.IsFitted)
                throw new IncompatibleModelsException($"MuLan's conditioning quantizer at {paths[2].Path} is not fitted: run notebook 04 to its end, or `musiclm course prepare`");
            if (device is { IsCuda: true } d)
            {
                codec.to(d); tokenizer.to(d); mulan.to(d); semantic.to(d); coarse.to(d); fine.to(d);
            }
            foreach (var m in new Torch.nn.Module[] { codec, tokenizer, mulan, semantic, coarse, fine }) m.eval();
            return new TextToMusic(codec, mulan, semantic, coarse, fine, tokenizer, owns: true);
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The course's pipeline for a notebook: <see cref="Load"/> when every checkpoint is there (<c>musiclm course
    /// prepare</c> or notebooks 02–07 made them), else each missing model loaded or trained quickly as the stage
    /// notebooks do when a student starts late (<see cref="CourseModels"/>, <see cref="CourseStages"/>; the token
    /// streams of 400 training and 40 held-out clips, or 24 and 8 in quick mode, as notebooks 05–07). Every step
    /// says through <paramref name="log"/> what it used.
    /// </summary>
    public static TextToMusic Course(TimeSpan budgetPerModel, bool quick = false, Action<string>? log = null, string? dataRoot = null)
    {
        var root = Path.GetFullPath(dataRoot ?? DataFolder.Root);
        if (CheckpointPaths(root).All(p => File.Exists(p.Path)))
        {
            var loaded = Load(root);
            log?.Invoke($"using the prepared models in {root} (codec, semantic tokenizer, MuLan and the three stages)");
            return loaded;
        }
        var missing = CheckpointPaths(root).Where(p => !File.Exists(p.Path)).Select(p => p.What).ToList();
        log?.Invoke($"missing: {string.Join(", ", missing)} — loading what is there and training the rest quickly (`musiclm course prepare` trains them all properly)");
        var made = new List<IDisposable>();
        try
        {
            T Keep<T>(T m) where T : IDisposable { made.Add(m); return m; }
            var codec = Keep(CourseModels.Codec(budgetPerModel, log, root));
            var semantic = Keep(CourseModels.Semantic(budgetPerModel, log, root));
            var mulan = Keep(CourseModels.MuLan(budgetPerModel, log, root));
            var (train, _) = CourseStages.Tokens(codec, semantic, mulan, quick ? 24 : 400, quick ? 8 : 40, log, dataRoot: root);
            var stages = new[] { StageKind.Semantic, StageKind.Coarse, StageKind.Fine }
                .Select(k => Keep(CourseStages.Stage(k, train, budgetPerModel, quick, log, root,
                    captionsFrom: k == StageKind.Semantic ? mulan : null))).ToArray();
            return new TextToMusic(codec, mulan, stages[0], stages[1], stages[2], semantic, owns: true);
        }
        catch
        {
            foreach (var m in made) m.Dispose();
            throw;
        }
    }

    /// <summary>The six checkpoints <see cref="Load"/> reads under a data folder, with what each is.</summary>
    public static IReadOnlyList<(string What, string Path)> CheckpointPaths(string dataRoot)
    {
        var root = Path.GetFullPath(dataRoot);
        return
        [
            ("codec", Path.Combine(root, "codec", CourseModels.FileName)),
            ("semantic tokenizer", Path.Combine(root, "semantic", CourseModels.FileName)),
            ("MuLan", Path.Combine(root, "mulan", CourseModels.FileName)),
            ("semantic stage", Path.Combine(root, "stages", "semantic.safetensors")),
            ("coarse stage", Path.Combine(root, "stages", "coarse.safetensors")),
            ("fine stage", Path.Combine(root, "stages", "fine.safetensors")),
        ];
    }

    /// <summary>One clip for one prompt.</summary>
    public GeneratedMusic Generate(string prompt, GenerationSettings? settings = null, IProgress<PipelineProgress>? progress = null,
                                   CancellationToken cancellation = default) =>
        Generate([prompt], settings, progress, cancellation)[0];

    /// <summary>
    /// One clip per prompt (the best of <see cref="GenerationSettings.Candidates"/> by MuLan similarity), all rows
    /// sampled together in one batch per window.
    /// </summary>
    public IReadOnlyList<GeneratedMusic> Generate(IReadOnlyList<string> prompts, GenerationSettings? settings = null,
                                                  IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default)
    {
        CheckPrompts(prompts);
        var s = Resolve(settings);
        var watch = Stopwatch.StartNew();
        Report(progress, "conditioning", 0, 1, watch);
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, s.Candidates)).ToList();
        float[][] textEmbeddings;
        long[][] conditioning;
        using (var scope = torch.NewDisposeScope())
        using (var _ = torch.no_grad())
        {
            var e = MuLan.EmbedText(prompts.ToList());                                          // (P, E)
            textEmbeddings = Rows(e);
            var tokens = RowsLong(MuLan.Tokens(e));
            conditioning = rows.Select((_, r) => tokens[r / s.Candidates]).ToArray();
        }
        var tCond = watch.Elapsed;
        Report(progress, "conditioning", 1, 1, watch);
        var semanticFrames = SemanticFramesFor(s.Seconds);
        var clips = Run(conditioning, semanticFrames, null, null, null, s, progress, cancellation, tCond, out var timings);
        return Pick(MuLan, SampleRate, clips, rows.Select(r => (string?)r).ToList(), textEmbeddings, s, timings, progress, 0);
    }

    /// <summary>Throws <see cref="ArgumentException"/> for no prompts or an empty one, naming it.</summary>
    internal static void CheckPrompts(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("give at least one prompt", nameof(prompts));
        for (var i = 0; i < prompts.Count; i++)
            if (string.IsNullOrWhiteSpace(prompts[i])) throw new ArgumentException($"prompt {i} is empty: describe the music, e.g. \"a slow ambient piece with a warm pad in D minor\"", nameof(prompts));
    }

    /// <summary>
    /// Continues an audio prompt to <see cref="GenerationSettings.Seconds"/> in all: the prompt's semantic tokens and
    /// codec codes start every stage's sequence and the stages sample what follows. Conditioned on
    /// <paramref name="text"/> when given, else on MuLan's embedding of the prompt audio itself. The returned audio
    /// begins with the prompt as the codec reconstructs it. Needs the semantic tokenizer.
    /// </summary>
    public GeneratedMusic Continue(AudioClip prompt, string? text = null, GenerationSettings? settings = null,
                                   IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (Tokenizer is null) throw new InvalidOperationException("continuing an audio prompt needs the semantic tokenizer: give it to the constructor (Load does)");
        if (text is not null && string.IsNullOrWhiteSpace(text)) throw new ArgumentException("the text prompt is empty: give text or null", nameof(text));
        var s = Resolve(settings);
        var unit = Codec.HopLength * FrameRatio;                                                 // samples per semantic frame
        var clip = prompt.SampleRate == SampleRate ? prompt : Resampled(prompt, SampleRate);
        var promptUnits = clip.Frames / unit;
        var semanticFrames = SemanticFramesFor(s.Seconds);
        if (promptUnits < 1) throw new ArgumentException($"the audio prompt is {prompt.DurationSeconds:0.###} s, shorter than one semantic frame ({unit / (double)SampleRate:0.###} s)", nameof(prompt));
        if (promptUnits >= semanticFrames)
            throw new ArgumentException($"the audio prompt ({prompt.DurationSeconds:0.##} s) must be shorter than the clip to make ({s.Seconds:0.##} s): ask for more seconds", nameof(prompt));
        if (clip.Channels != Codec.Channels) clip = clip.Channels == 2 ? clip.ToMono() : throw new ArgumentException($"the codec takes {Codec.Channels} channels; the prompt has {clip.Channels}", nameof(prompt));
        var watch = Stopwatch.StartNew();
        Report(progress, "conditioning", 0, 1, watch);
        float[][] textEmbedding;
        long[] cond;
        long[] semanticStart;
        long[][] codes;
        using (var scope = torch.NewDisposeScope())
        using (var _ = torch.no_grad())
        {
            var e = text is null ? MuLan.EmbedAudio([clip]) : MuLan.EmbedText([text]);
            textEmbedding = Rows(e);
            cond = RowsLong(MuLan.Tokens(e))[0];
            var sem = Tokenizer.Tokenize(clip);
            if (sem.Length < promptUnits) throw new IncompatibleModelsException($"the semantic tokenizer gives {sem.Length} frames for {promptUnits} codec frame pairs: its frame rate does not match the stages'");
            semanticStart = sem[..(int)promptUnits];
            var x = clip.ToTensor().unsqueeze(0).to(StageTokenSet.DeviceOf(Codec));
            var c = Codec.Encode(x).select(0, 0);                                                 // (Q, F)
            var all = RowsLong(c);
            codes = all.Select(l => l[..(int)(promptUnits * FrameRatio)]).ToArray();
        }
        var tCond = watch.Elapsed;
        Report(progress, "conditioning", 1, 1, watch);
        var coarseLevels = CoarseStage.Config.CoarseLevels;
        var clips = Run(Enumerable.Repeat(cond, s.Candidates).ToArray(), semanticFrames,
            Enumerable.Repeat(semanticStart, s.Candidates).ToArray(),
            Enumerable.Repeat(codes[..coarseLevels], s.Candidates).ToArray(),
            Enumerable.Repeat(codes[coarseLevels..], s.Candidates).ToArray(),
            s, progress, cancellation, tCond, out var timings);
        var promptSeconds = promptUnits * unit / (double)SampleRate;
        return Pick(MuLan, SampleRate, clips, Enumerable.Repeat(text, s.Candidates).ToList(), textEmbedding, s, timings, progress, promptSeconds)[0];
    }

    /// <summary>Semantic frames for a clip of this many seconds (rounded up: the audio is cut back to the exact length).</summary>
    public int SemanticFramesFor(double seconds)
    {
        var samples = (long)Math.Round(seconds * SampleRate);
        return (int)Math.Max(1, (samples + Codec.HopLength * FrameRatio - 1) / (Codec.HopLength * FrameRatio));
    }

    // ---- the hierarchy ----

    internal sealed record Raw(long[] Conditioning, long[] Semantic, long[][] Coarse, long[][] Fine, float[] Audio);

    private List<Raw> Run(long[][] conditioning, int semanticFrames, long[][]? semanticStart, long[][][]? coarseStart, long[][][]? fineStart,
                          GenerationSettings s, IProgress<PipelineProgress>? progress, CancellationToken cancellation, TimeSpan tCond, out StageTimings timings)
    {
        var watch = Stopwatch.StartNew();
        var sem = Continuation.Semantic(SemanticStage, conditioning, semanticFrames, Overlap(s.SemanticOverlap, SemanticStage.Config.SemanticFrames),
            s.Semantic, Relay(progress, "semantic", watch), cancellation, semanticStart);
        var tSem = watch.Elapsed;
        watch.Restart();
        var coarse = Continuation.Coarse(CoarseStage, conditioning, sem, Overlap(s.CoarseOverlap, CoarseStage.Config.SemanticFrames),
            s.Coarse, Relay(progress, "coarse", watch), cancellation, coarseStart);
        var tCoarse = watch.Elapsed;
        watch.Restart();
        long[][][] fine = coarse.Select(_ => Array.Empty<long[]>()).ToArray();
        if (!s.SkipFine)
            fine = Continuation.Fine(FineStage, conditioning, coarse, Overlap(s.FineOverlap, FineStage.Config.AcousticFrames),
                s.Fine, Relay(progress, "fine", watch), cancellation, fineStart);
        var tFine = watch.Elapsed;
        watch.Restart();
        Report(progress, "decode", 0, 1, watch);
        var samples = (int)Math.Round(s.Seconds * SampleRate);
        var audio = Decode(Codec, coarse.Select((c, b) => c.Concat(fine[b]).ToArray()).ToArray(), samples);
        var tDecode = watch.Elapsed;
        Report(progress, "decode", 1, 1, watch);
        timings = new StageTimings(tCond, tSem, tCoarse, tFine, tDecode, TimeSpan.Zero);
        return sem.Select((t, b) => new Raw(conditioning[b], t, coarse[b], fine[b], audio[b])).ToList();
    }

    /// <summary>Audio (B × samples, channel 0) of codes (B × levels × frames), all rows decoded in one batch.</summary>
    internal static float[][] Decode(CodecModel codec, long[][][] codes, int samples)
    {
        int B = codes.Length, n = codes[0].Length, F = codes[0][0].Length;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var flat = codes.SelectMany(c => c.SelectMany(l => l)).ToArray();
        var t = torch.tensor(flat, B, n, F).to(StageTokenSet.DeviceOf(codec));
        codec.eval();
        var audio = codec.Decode(t).select(1, 0).cpu();                                            // (B, F · hop)
        var length = (int)audio.size(1);
        var all = audio.contiguous().ToArray<float>();
        return Enumerable.Range(0, B).Select(b =>
        {
            var row = new float[samples];
            Array.Copy(all, b * length, row, 0, Math.Min(samples, length));
            return row;
        }).ToArray();
    }

    /// <summary>Keeps the best candidate of each prompt by MuLan similarity (every candidate's similarity is measured when there is a text embedding).</summary>
    internal static List<GeneratedMusic> Pick(MuLanModel mulan, int sampleRate, List<Raw> clips, List<string?> rowPrompts, float[][] embeddings, GenerationSettings s, StageTimings timings,
                                      IProgress<PipelineProgress>? progress, double promptSeconds)
    {
        var watch = Stopwatch.StartNew();
        Report(progress, "rerank", 0, 1, watch);
        var audio = clips.Select(c => new AudioClip(c.Audio, sampleRate)).ToList();
        double[] similarity;
        using (var scope = torch.NewDisposeScope())
        using (var _ = torch.no_grad())
        {
            var a = Rows(mulan.EmbedAudio(audio));
            similarity = a.Select((v, r) => Dot(v, embeddings[r / s.Candidates])).ToArray();
        }
        var tRank = watch.Elapsed;
        Report(progress, "rerank", 1, 1, watch);
        var result = new List<GeneratedMusic>();
        for (var p = 0; p < clips.Count / s.Candidates; p++)
        {
            var range = Enumerable.Range(p * s.Candidates, s.Candidates).ToArray();
            var best = range.MaxBy(r => similarity[r]);
            var c = clips[best];
            result.Add(new GeneratedMusic
            {
                Prompt = rowPrompts[best],
                Settings = s,
                Candidate = best - p * s.Candidates,
                Conditioning = c.Conditioning,
                Semantic = c.Semantic,
                Coarse = c.Coarse,
                Fine = c.Fine,
                Audio = audio[best],
                PromptSeconds = promptSeconds,
                MuLanSimilarity = similarity[best],
                CandidateSimilarities = range.Select(r => similarity[r]).ToArray(),
                Timings = timings with { Rerank = tRank },
            });
        }
        return result;
    }

    /// <summary>The settings with each stage's sampling filled in (its defaults when not given) and its seed derived from the call's.</summary>
    private GenerationSettings Resolve(GenerationSettings? settings)
    {
        var s = settings ?? new GenerationSettings();
        s.Validate();
        // Distinct seeds per stage, so a stage's draws do not mirror another's.
        return s with
        {
            Semantic = (s.Semantic ?? SemanticStage.Config.Sampling) with { Seed = s.Seed * 4 + 1 },
            Coarse = (s.Coarse ?? CoarseStage.Config.Sampling) with { Seed = s.Seed * 4 + 2 },
            Fine = (s.Fine ?? FineStage.Config.Sampling) with { Seed = s.Seed * 4 + 3 },
        };
    }

    private static int Overlap(double fraction, int window) => Math.Min(window - 1, (int)Math.Round(fraction * window));

    private void Check()
    {
        var (sem, coarse, fine) = (SemanticStage.Config, CoarseStage.Config, FineStage.Config);
        Expect(sem.Kind == StageKind.Semantic, $"the semantic stage is a {sem.Kind} stage");
        Expect(coarse.Kind == StageKind.Coarse, $"the coarse stage is a {coarse.Kind} stage");
        Expect(fine.Kind == StageKind.Fine, $"the fine stage is a {fine.Kind} stage");
        if (!MuLan.quantizer.IsFitted) throw new IncompatibleModelsException("MuLan's conditioning quantizer is not fitted (MuLanTrainer.FitQuantizer; notebook 04 does it at its end)");
        foreach (var c in new[] { sem, coarse, fine })
        {
            Expect(c.ConditioningLevels == MuLan.quantizer.Levels && c.ConditioningCodebook == MuLan.quantizer.CodebookSize,
                $"the {c.Kind} stage reads {c.ConditioningLevels}×{c.ConditioningCodebook} conditioning tokens; this MuLan gives {MuLan.quantizer.Levels}×{MuLan.quantizer.CodebookSize}");
        }
        Expect(sem.SemanticVocabulary == coarse.SemanticVocabulary,
            $"the semantic stage writes {sem.SemanticVocabulary} semantic tokens; the coarse stage reads {coarse.SemanticVocabulary}");
        if (Tokenizer is not null)
        {
            Expect(Tokenizer.VocabularySize == sem.SemanticVocabulary, $"the semantic tokenizer has {Tokenizer.VocabularySize} tokens; the stages use {sem.SemanticVocabulary}");
            Expect(StageTokenSpec.FrameRatioOf(Codec.FrameRate, Tokenizer.FrameRate) == coarse.FrameRatio,
                $"the codec ({Codec.FrameRate} Hz) and semantic tokenizer ({Tokenizer.FrameRate} Hz) do not have the coarse stage's frame ratio {coarse.FrameRatio}");
        }
        foreach (var c in new[] { coarse, fine })
            Expect(c.CodecLevels == Codec.Levels && c.CodebookSize == Codec.CodebookSize,
                $"the {c.Kind} stage was trained on {c.CodecLevels} codec levels of {c.CodebookSize} codes; this codec has {Codec.Levels} of {Codec.CodebookSize}");
        Expect(coarse.CoarseLevels == fine.CoarseLevels, $"the coarse stage makes {coarse.CoarseLevels} coarse levels; the fine stage reads {fine.CoarseLevels}");
    }

    private static void Expect(bool ok, string message)
    {
        if (!ok) throw new IncompatibleModelsException($"these models do not fit together: {message}. Retrain the later ones on the earlier ones' tokens (`musiclm course prepare` does it in order)");
    }

    private static IProgress<GenerationProgress>? Relay(IProgress<PipelineProgress>? progress, string stage, Stopwatch watch) =>
        progress is null ? null : new Training.RelayProgress<GenerationProgress>(p => progress.Report(new PipelineProgress(stage, p.Tokens, p.Total, watch.Elapsed)));

    internal static void Report(IProgress<PipelineProgress>? progress, string stage, int done, int total, Stopwatch watch) =>
        progress?.Report(new PipelineProgress(stage, done, total, watch.Elapsed));

    internal static float[][] Rows(Tensor t)
    {
        var c = t.cpu().to(ScalarType.Float32).contiguous();
        int n = (int)c.size(0), d = (int)c.size(1);
        var flat = c.ToArray<float>();
        return Enumerable.Range(0, n).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
    }

    private static long[][] RowsLong(Tensor t)
    {
        var c = t.cpu().contiguous();
        int n = (int)c.size(0), d = (int)c.size(1);
        var flat = c.ToArray<long>();
        return Enumerable.Range(0, n).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static AudioClip Resampled(AudioClip clip, int rate) => Resampler.Resample(clip, rate);

    public void Dispose()
    {
        if (!owns) return;
        Codec.Dispose(); MuLan.Dispose(); SemanticStage.Dispose(); CoarseStage.Dispose(); FineStage.Dispose(); Tokenizer?.Dispose();
    }
}

using System.Diagnostics;
using MusicLM.Audio.Dataset;
using MusicLM.Codec;
using MusicLM.Generation;
using MusicLM.MuLan;
using MusicLM.Stages;
using MusicLM.Torch;

namespace MusicLM.OneStage;

/// <summary>
/// Text to music with one stage (Copet et al. 2023): a prompt → the MuLan text tower's token states → the
/// <see cref="MusicGenModel"/>, which writes every codec level at once through its interleaving pattern → the
/// codec's decoder. No semantic tokens and no MuLan conditioning tokens: the text is read by cross-attention at
/// every step. Clips longer than the model's window continue window by window. The same settings, candidates and
/// reranking as <see cref="TextToMusic"/>, so the two designs are compared by the same calls. The pipeline owns its
/// models only when it loaded them (<see cref="Load"/>).
/// </summary>
public sealed class MusicGen : IMusicGenerator, IDisposable
{
    private readonly bool owns;

    public MusicGen(CodecModel codec, MuLanModel mulan, MusicGenModel model) : this(codec, mulan, model, owns: false) { }

    private MusicGen(CodecModel codec, MuLanModel mulan, MusicGenModel model, bool owns)
    {
        Codec = codec ?? throw new ArgumentNullException(nameof(codec));
        MuLan = mulan ?? throw new ArgumentNullException(nameof(mulan));
        Model = model ?? throw new ArgumentNullException(nameof(model));
        this.owns = owns;
        var c = model.Config;
        Expect(c.CodecLevels == codec.Levels && c.CodebookSize == codec.CodebookSize,
            $"the one-stage model was trained on {c.CodecLevels} codec levels of {c.CodebookSize} codes; this codec has {codec.Levels} of {codec.CodebookSize}");
        Expect(Math.Abs(c.FrameRate - codec.FrameRate) < 1e-9, $"the one-stage model runs at {c.FrameRate} frames a second; this codec at {codec.FrameRate}");
        Expect(c.TextWidth == mulan.TextWidth, $"the one-stage model reads text states of width {c.TextWidth}; this MuLan's text tower has width {mulan.TextWidth}");
    }

    public string Name => "MusicGen";
    public CodecModel Codec { get; }
    public MuLanModel MuLan { get; }
    public MusicGenModel Model { get; }
    public long GeneratorParameters => Model.ParameterCount;
    public int SampleRate => Codec.SampleRate;

    /// <summary>
    /// The course's one-stage model for this codec and MuLan (<see cref="MusicGenConfig.Course"/>: 5-second windows, the
    /// hierarchy's transformer size with cross-attention), or its tiny version for quick mode.
    /// </summary>
    public static MusicGenConfig CourseConfig(CodecModel codec, MuLanModel mulan, bool quick = false)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(mulan);
        var config = MusicGenConfig.Course(codec.Levels, codec.CodebookSize, codec.FrameRate, mulan.TextWidth);
        return quick ? config.Tiny() : config;
    }

    /// <summary>Where the course keeps the one-stage model: <c>stages/musicgen.safetensors</c> under the data folder.</summary>
    public static string ModelPath(string? dataRoot = null) => Path.Combine(Path.GetFullPath(dataRoot ?? DataFolder.Root), "stages", "musicgen.safetensors");

    /// <summary>The three checkpoints <see cref="Load"/> reads, with what each is.</summary>
    public static IReadOnlyList<(string What, string Path)> CheckpointPaths(string? dataRoot = null)
    {
        var paths = TextToMusic.CheckpointPaths(Path.GetFullPath(dataRoot ?? DataFolder.Root));
        return [paths[0], paths[2], ("one-stage model (MusicGen)", ModelPath(dataRoot))];
    }

    /// <summary>
    /// The prepared codec, MuLan and one-stage model of a data folder (null: <see cref="DataFolder.Root"/>), moved to
    /// <paramref name="device"/>. A missing file is a <see cref="MissingCheckpointException"/> naming the command that
    /// makes it; an unreadable one a <see cref="Torch.Serialization.CheckpointFormatException"/>.
    /// </summary>
    public static MusicGen Load(string? dataRoot = null, Device? device = null)
    {
        var paths = CheckpointPaths(dataRoot);
        foreach (var (what, path) in paths)
            if (!File.Exists(path)) throw new MissingCheckpointException(what, path);
        var loaded = new List<IDisposable>();
        try
        {
            T Keep<T>(T m) where T : IDisposable { loaded.Add(m); return m; }
            var codec = Keep(CodecModel.Load(paths[0].Path));
            var mulan = Keep(MuLanModel.Load(paths[1].Path));
            var model = Keep(MusicGenModel.Load(paths[2].Path));
            if (device is { IsCuda: true } d) { codec.to(d); mulan.to(d); model.to(d); }
            codec.eval(); mulan.eval(); model.eval();
            return new MusicGen(codec, mulan, model, owns: true);
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }

    /// <summary>Codec frames for a clip of this many seconds (rounded up; the audio is cut back to the exact length).</summary>
    public int FramesFor(double seconds)
    {
        var samples = (long)Math.Round(seconds * SampleRate);
        return (int)Math.Max(1, (samples + Codec.HopLength - 1) / Codec.HopLength);
    }

    /// <summary>One clip for one prompt.</summary>
    public GeneratedMusic Generate(string prompt, GenerationSettings? settings = null, IProgress<PipelineProgress>? progress = null,
                                   CancellationToken cancellation = default) =>
        Generate([prompt], settings, progress, cancellation)[0];

    /// <summary>One clip per prompt (the best of <see cref="GenerationSettings.Candidates"/> by MuLan similarity), all rows sampled together.</summary>
    public IReadOnlyList<GeneratedMusic> Generate(IReadOnlyList<string> prompts, GenerationSettings? settings = null,
                                                  IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default)
    {
        TextToMusic.CheckPrompts(prompts);
        var s = settings ?? new GenerationSettings();
        s.Validate();
        s = s with { OneStage = (s.OneStage ?? Model.Config.Sampling) with { Seed = s.Seed * 4 + 1 } };
        var watch = Stopwatch.StartNew();
        TextToMusic.Report(progress, "conditioning", 0, 1, watch);
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, s.Candidates)).ToList();
        float[][] textEmbeddings;
        long[][][] codes;
        var tCond = TimeSpan.Zero;
        var tGen = TimeSpan.Zero;
        var frames = FramesFor(s.Seconds);
        using (var scope = torch.NewDisposeScope())
        using (var _ = torch.no_grad())
        {
            textEmbeddings = TextToMusic.Rows(MuLan.EmbedText(prompts.ToList()));
            var (states, mask) = MuLan.TextStates(rows);
            tCond = watch.Elapsed;
            TextToMusic.Report(progress, "conditioning", 1, 1, watch);
            watch.Restart();
            var overlap = Math.Min(Model.Config.Frames - 1, (int)Math.Round(s.OneStageOverlap * Model.Config.Frames));
            var relay = progress is null ? null : new Training.RelayProgress<GenerationProgress>(p =>
                progress.Report(new PipelineProgress("one stage", p.Tokens, p.Total, p.Elapsed)));
            codes = Model.Generate(states.to(Model.Device), mask.to(Model.Device), rows.Count, frames, overlap, s.OneStage, progress: relay, cancellation: cancellation);
            tGen = watch.Elapsed;
        }
        watch.Restart();
        TextToMusic.Report(progress, "decode", 0, 1, watch);
        var samples = (int)Math.Round(s.Seconds * SampleRate);
        var audio = TextToMusic.Decode(Codec, codes, samples);
        var tDecode = watch.Elapsed;
        TextToMusic.Report(progress, "decode", 1, 1, watch);
        var split = Math.Min(Model.Config.CoarseLevels, Model.Config.CodecLevels);
        var raw = codes.Select((c, b) => new TextToMusic.Raw([], [], c[..split], c[split..], audio[b])).ToList();
        var timings = new StageTimings(tCond, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, tDecode, TimeSpan.Zero, tGen);
        return TextToMusic.Pick(MuLan, SampleRate, raw, rows.Select(r => (string?)r).ToList(), textEmbeddings, s, timings, progress, 0)
            .Select(g => g with { Model = Name }).ToList();
    }

    private static void Expect(bool ok, string message)
    {
        if (!ok) throw new IncompatibleModelsException($"these models do not fit together: {message}. Train the one-stage model on this codec's codes and this MuLan's text (`musiclm course prepare` does it in order)");
    }

    public void Dispose()
    {
        if (!owns) return;
        Codec.Dispose(); MuLan.Dispose(); Model.Dispose();
    }
}

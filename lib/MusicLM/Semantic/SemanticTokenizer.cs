using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MusicLM.Audio;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;

namespace MusicLM.Semantic;

/// <summary>
/// MusicLM's semantic tokens (Agostinelli et al. 2023 §3.1: w2v-BERT layer 7 + k-means, 25 Hz) without a
/// pretrained model, built the way HuBERT bootstraps itself (Hsu et al. 2021 §III-C):
/// <list type="number">
/// <item>iteration 0 — cheap frame features (log-mel, chroma, onsets; <see cref="SemanticFeatures"/>) and k-means;</item>
/// <item>iteration 1 — a masked-prediction transformer learns to predict the iteration-0 cluster of hidden frames
/// (<see cref="MaskedPredictionModel"/>); its middle layer, clustered again, gives the final vocabulary.</item>
/// </list>
/// Audio (B, 1, S) at 16 kHz → tokens (B, T) int64 in [0, K), T = ⌈S / 640⌉ (frame t covers samples
/// [640 t, 640 (t + 1)), so a partial last frame counts). Consecutive repeats are kept: merging them
/// (<c>unique_consecutive</c>) would erase tempo. Silence gives a constant token (the cluster nearest the
/// features of silence), never NaN. State dict: <c>features.*</c> (standardisation), <c>kmeans0.centroids</c>, and
/// after iteration 1 <c>encoder.*</c> and <c>kmeans1.centroids</c>.
/// </summary>
public sealed class SemanticTokenizer : Module
{
    public readonly SemanticFeatures features;
    public KMeans kmeans0;
    public MaskedPredictionModel? encoder;
    public KMeans? kmeans1;

    /// <summary>An unfitted tokenizer with the structure of <paramref name="iteration"/> (Load fills in the weights).</summary>
    private SemanticTokenizer(SemanticTokenizerConfig config, int iteration)
    {
        config.Validate();
        Config = config with { Iterations = iteration };
        features = new SemanticFeatures(config.Features);
        kmeans0 = new KMeans(config.Clusters, config.Features.Dim);
        if (iteration == 1)
        {
            encoder = new MaskedPredictionModel(config.Features.FrameDim, config.Clusters, config.MaskedPrediction);
            kmeans1 = new KMeans(config.Clusters, config.MaskedPrediction.Width);
        }
    }

    /// <summary>The configuration, with <see cref="SemanticTokenizerConfig.Iterations"/> the iteration fitted.</summary>
    public SemanticTokenizerConfig Config { get; }
    /// <summary>The iteration whose tokens <see cref="Tokenize(AudioClip, int?)"/> gives by default (the highest fitted).</summary>
    public int Iteration => Config.Iterations;
    /// <summary>K: tokens lie in [0, K), for either iteration.</summary>
    public int VocabularySize => Config.Clusters;
    /// <summary>Tokens per second (25).</summary>
    public double FrameRate => Config.FrameRate;
    /// <summary>The sample rate audio is tokenized at (clips at other rates are resampled).</summary>
    public int SampleRate => Config.SampleRate;
    /// <summary>Where the tokenizer's buffers and weights live (after <c>to(device)</c>, or the config's device for a fit one).</summary>
    public Device Device => features.Device;
    /// <summary>What the last <see cref="Fit"/> did (null for a loaded tokenizer).</summary>
    public SemanticFitReport? Report { get; private set; }

    /// <summary>Tokens for <paramref name="samples"/> samples at <see cref="SampleRate"/>: ⌈S / 640⌉.</summary>
    public long FramesFor(long samples) => features.FramesFor(samples);

    // ---- fitting ----

    /// <summary>
    /// Fits the tokenizer on clips (any rate and channels: mixed to mono, resampled to 16 kHz): iteration 0, then,
    /// when <see cref="SemanticTokenizerConfig.Iterations"/> is 1 and the <paramref name="budget"/> leaves time,
    /// iteration 1 (training stops early to leave time for its clustering). Deterministic for the config's seed when
    /// the budget does not cut training short. Reseeds the engine's process-wide generator (initial weights).
    /// Runs on <see cref="SemanticTokenizerConfig.Device"/> (null: the CPU); the tokenizer returned stays there.
    /// </summary>
    public static SemanticTokenizer Fit(IReadOnlyList<AudioClip> clips, SemanticTokenizerConfig? config = null, TimeSpan? budget = null,
        IProgress<SemanticFitProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(clips);
        config ??= new SemanticTokenizerConfig();
        config.Validate();
        if (clips.Count == 0) throw new ArgumentException("no clips to fit on", nameof(clips));
        var watch = Stopwatch.StartNew();
        var times = new Dictionary<SemanticFitStage, TimeSpan>();
        var stage = Stopwatch.StartNew();
        void EndStage(SemanticFitStage s) { times[s] = stage.Elapsed; stage.Restart(); }

        var tokenizer = new SemanticTokenizer(config, 0);
        try
        {
            tokenizer.to(config.Device ?? Torch.Device.CPU);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            // Features and their statistics.
            var raws = new List<Tensor>();
            for (int i = 0; i < clips.Count; i++)
            {
                var x = tokenizer.Prepare(clips[i], $"clip {i}");                       // (1, 1, S)
                raws.Add(tokenizer.features.Raw(x.squeeze(1)).squeeze(0));              // (T_i, F)
                progress?.Report(new SemanticFitProgress(SemanticFitStage.Features, i + 1, clips.Count, 0, watch.Elapsed));
            }
            tokenizer.features.FitStatistics(raws);
            var standardized = raws.Select(r => tokenizer.features.Standardize(r)).ToList();                       // (T_i, F)
            var stacked = standardized.Select(s => tokenizer.features.Stack(s.unsqueeze(0)).squeeze(0)).ToList();  // (T_i, Dim)
            var all = torch.cat(stacked, 0);                                                                        // (N, Dim)
            long frames = all.size(0);
            if (frames < config.Clusters)
                throw new ArgumentException($"{frames} frames ({frames / config.FrameRate:0.#} s of audio) are too few for {config.Clusters} clusters", nameof(clips));
            EndStage(SemanticFitStage.Features);

            // Iteration 0: k-means on the stacked features.
            var k0 = KMeans.Fit(all, config.KMeansFor(0), progress: Relay<KMeansIteration>(k => progress?.Report(
                new SemanticFitProgress(SemanticFitStage.Iteration0Clustering, k.Iteration + 1, config.KMeans.MaxIterations, k.Inertia / frames, watch.Elapsed))));
            tokenizer.kmeans0.Dispose();
            tokenizer.kmeans0 = k0;
            var kmeans0Time = stage.Elapsed;
            EndStage(SemanticFitStage.Iteration0Clustering);

            var training = (IReadOnlyList<MaskedPredictionStep>)Array.Empty<MaskedPredictionStep>();
            var stoppedBy = "done";
            if (config.Iterations == 1)
            {
                // Leave time for clustering the hidden states: k-means costs about N · K · D per Lloyd iteration.
                var reserve = kmeans0Time * ((double)config.MaskedPrediction.Width / config.Features.Dim) * 1.5 + times[SemanticFitStage.Features] * 0.5;
                var trainBudget = budget is { } b ? b - watch.Elapsed - reserve : (TimeSpan?)null;
                if (trainBudget is { } tb && tb <= TimeSpan.Zero) stoppedBy = "budget";
                else
                {
                    var targets = stacked.Select(s => k0.Assign(s)).ToList();                                   // (T_i)
                    var full = tokenizer.WithIteration1(standardized, targets, trainBudget, progress, watch, out training);
                    if (training.Count < config.MaskedPrediction.Steps) stoppedBy = "budget";
                    EndStage(SemanticFitStage.MaskedPrediction);
                    var hidden = torch.cat(standardized.Select(s => full.Hidden(s.unsqueeze(0)).squeeze(0)).ToList(), 0); // (N, C)
                    var k1 = KMeans.Fit(hidden, config.KMeansFor(1), progress: Relay<KMeansIteration>(k => progress?.Report(
                        new SemanticFitProgress(SemanticFitStage.Iteration1Clustering, k.Iteration + 1, config.KMeans.MaxIterations, k.Inertia / frames, watch.Elapsed))));
                    full.kmeans1!.Dispose();
                    full.kmeans1 = k1;
                    EndStage(SemanticFitStage.Iteration1Clustering);
                    tokenizer.Dispose();
                    tokenizer = full;
                }
            }
            tokenizer.Report = new SemanticFitReport(tokenizer.Iteration, clips.Count, frames, k0.InertiaHistory.Select(v => v / frames).ToList(),
                training, tokenizer.kmeans1?.InertiaHistory.Select(v => v / frames).ToList() ?? new List<double>(), times, watch.Elapsed, stoppedBy);
            tokenizer.eval();
            return tokenizer;
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    /// <summary>A tokenizer of iteration 1 that shares this one's features and iteration-0 clusters, its encoder trained.</summary>
    private SemanticTokenizer WithIteration1(List<Tensor> standardized, List<Tensor> targets, TimeSpan? budget,
        IProgress<SemanticFitProgress>? progress, Stopwatch watch, out IReadOnlyList<MaskedPredictionStep> history)
    {
        torch.manual_seed((ulong)Config.Seed);
        var next = new SemanticTokenizer(Config, 1);                                     // weights drawn on the CPU, then moved
        try
        {
            next.to(Device);
            next.features.load_state_dict(features.state_dict());
            next.kmeans0.load_state_dict(kmeans0.state_dict());
            next.kmeans0.InertiaHistoryFrom(kmeans0);
            var cfg = Config.MaskedPrediction;
            using var grad = torch.enable_grad();
            using var trainer = new MaskedPredictionTrainer(next.encoder!, Config.Seed);
            history = trainer.Train(standardized, targets, cfg.Steps, budget, Relay<MaskedPredictionStep>(s => progress?.Report(
                new SemanticFitProgress(SemanticFitStage.MaskedPrediction, s.Step, budget is null ? cfg.Steps : null, s.Loss, watch.Elapsed))));
            next.eval();
            return next;
        }
        catch
        {
            next.Dispose();
            throw;
        }
    }

    // ---- tokens ----

    /// <summary>
    /// Tokens of a clip (any rate and channels: mixed to mono, resampled to 16 kHz): ⌈S / 640⌉ of them at 16 kHz.
    /// <paramref name="iteration"/> 0 gives the iteration-0 tokens; default <see cref="Iteration"/>.
    /// </summary>
    public long[] Tokenize(AudioClip clip, int? iteration = null)
    {
        using var scope = torch.NewDisposeScope();
        var x = Prepare(clip, "the clip");                                               // (1, 1, S)
        return Tokenize(x, iteration).select(0, 0).ToArray<long>();
    }

    /// <summary>The iteration-0 tokens of a clip (cheap features + k-means), for comparison with <see cref="Iteration"/>'s.</summary>
    public long[] TokenizeIteration0(AudioClip clip) => Tokenize(clip, 0);

    /// <summary>
    /// Tokens of audio (B, 1, S) at 16 kHz → (B, T) int64, T = ⌈S / 640⌉. A tensor is not resampled:
    /// <paramref name="sampleRate"/>, when given, must be <see cref="SampleRate"/>. The audio is moved to
    /// <see cref="Device"/> and the tokens stay there.
    /// </summary>
    public Tensor Tokenize(Tensor audio, int? iteration = null, int? sampleRate = null)
    {
        using var scope = torch.NewDisposeScope();
        var v = Vectors(audio, iteration, sampleRate, out var it);                       // (B, T, D)
        var clusters = it == 0 ? kmeans0 : kmeans1!;
        return clusters.Assign(v).MoveToOuterDisposeScope();                             // (B, T)
    }

    /// <summary>
    /// The vectors that iteration <paramref name="iteration"/> clusters, for a clip: (T, D) — stacked standardised
    /// features (iteration 0) or the encoder's middle layer (iteration 1), on <see cref="Device"/>. For plots of what the tokens quantise.
    /// </summary>
    public Tensor FrameVectors(AudioClip clip, int? iteration = null)
    {
        using var scope = torch.NewDisposeScope();
        var x = Prepare(clip, "the clip");                                               // (1, 1, S)
        return Vectors(x, iteration, null, out _).squeeze(0).MoveToOuterDisposeScope();   // (T, D)
    }

    private Tensor Vectors(Tensor audio, int? iteration, int? sampleRate, out int it)
    {
        ArgumentNullException.ThrowIfNull(audio);
        it = iteration ?? Iteration;
        if (it < 0 || it > Iteration) throw new ArgumentException($"iteration must be between 0 and {Iteration} (the iterations this tokenizer has), got {it}", nameof(iteration));
        if (sampleRate is { } sr && sr != SampleRate)
            throw new ArgumentException($"the tokenizer expects audio at {SampleRate} Hz, got {sr} Hz (resample it first, or pass an AudioClip)", nameof(sampleRate));
        if (audio.dim() != 3 || audio.size(1) != 1)
            throw new ArgumentException($"audio must have shape (B, 1, S), got [{string.Join(", ", audio.shape)}]", nameof(audio));
        if (audio.size(0) == 0 || audio.size(2) == 0)
            throw new ArgumentException($"audio is empty (shape [{string.Join(", ", audio.shape)}]); expected at least 1 sample", nameof(audio));
        if (!audio.is_floating_point()) throw new ArgumentException($"audio must be floating point, got {audio.dtype}", nameof(audio));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var std = features.Standardize(features.Raw(audio.squeeze(1)));                  // (B, T, F)
        var v = it == 0 ? features.Stack(std) : Hidden(std);                             // (B, T, D)
        return v.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The encoder's middle layer for standardised frames (B, T, F) → (B, T, C). Sequences longer than four training
    /// crops go through in windows of two crops with half a crop of context on each side, so memory stays bounded.
    /// </summary>
    private Tensor Hidden(Tensor standardized)
    {
        var enc = encoder ?? throw new InvalidOperationException("this tokenizer has no iteration 1");
        int layer = enc.Config.EffectiveClusterLayer, crop = enc.Config.CropFrames;
        long T = standardized.size(1);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        if (T <= 4L * crop) return enc.Hidden(standardized, null, layer).MoveToOuterDisposeScope();
        long core = 2L * crop, margin = crop / 2;
        var parts = new List<Tensor>();
        for (long t0 = 0; t0 < T; t0 += core)
        {
            long t1 = Math.Min(T, t0 + core), s0 = Math.Max(0, t0 - margin), s1 = Math.Min(T, t1 + margin);
            var h = enc.Hidden(standardized.narrow(1, s0, s1 - s0), null, layer);        // (B, s1 − s0, C)
            parts.Add(h.narrow(1, t0 - s0, t1 - t0));
        }
        return torch.cat(parts, 1).MoveToOuterDisposeScope();                            // (B, T, C)
    }

    /// <summary>A clip as (1, 1, S) at the tokenizer's rate, mono, on <see cref="Device"/>.</summary>
    private Tensor Prepare(AudioClip clip, string what)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Frames == 0) throw new ArgumentException($"{what} is empty (0 samples)", nameof(clip));
        var mono = clip.ToMono();
        if (mono.SampleRate != SampleRate) mono = Resampler.Resample(mono, SampleRate);
        var samples = mono.Channel(0);
        return torch.tensor(samples, 1, 1, samples.Length).to(Device);
    }

    // ---- checkpoints ----

    /// <summary>Saves the weights (safetensors, copied to the CPU from any device) and the config (JSON beside them, <see cref="Checkpoint"/>).</summary>
    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Checkpoint.Save(path, this, Config);
    }

    /// <summary>
    /// Loads a tokenizer saved with <see cref="Save"/>; its tokens are bit-identical to the saved one's. Another
    /// model's checkpoint (e.g. a codec's) or weights that do not match the config raise <see cref="CheckpointFormatException"/>.
    /// The tokenizer is on the CPU (move it with <c>to(device)</c>).
    /// </summary>
    public static SemanticTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer checkpoint not found: {path}", path);
        var cfgPath = Checkpoint.ConfigPath(path);
        if (File.Exists(cfgPath))
        {
            string? type = null;
            try { type = (JsonNode.Parse(File.ReadAllText(cfgPath)) as JsonObject)?["type"]?.ToString(); }
            catch (JsonException) { }                                                    // Checkpoint.Load reports bad JSON
            var expected = typeof(SemanticTokenizerConfig).FullName;
            if (type is not null && type != expected)
                throw new CheckpointFormatException(cfgPath, $"'{path}' is a checkpoint of {type}, not a semantic tokenizer ({expected})");
        }
        var config = Checkpoint.Load<SemanticTokenizerConfig>(path);
        SemanticTokenizer tokenizer;
        try { tokenizer = new SemanticTokenizer(config, config.Iterations); }
        catch (ArgumentException ex) { throw new CheckpointFormatException(cfgPath, $"the tokenizer config is not valid: {ex.Message}", ex); }
        try { Checkpoint.LoadInto(path, tokenizer); }
        catch (ArgumentException ex)
        {
            tokenizer.Dispose();
            throw new CheckpointFormatException(path, $"the weights do not match the tokenizer config: {ex.Message}", ex);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
        tokenizer.eval();
        return tokenizer;
    }

    protected override string ExtraRepr() => $"iteration={Iteration}, clusters={VocabularySize}, frame_rate={FrameRate:0.##}";

    private static IProgress<T> Relay<T>(Action<T> report) => new Training.RelayProgress<T>(report);
}

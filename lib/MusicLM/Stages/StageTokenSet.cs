using System.Diagnostics;
using System.Text.Json;
using MusicLM.Audio;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;

namespace MusicLM.Stages;

/// <summary>
/// The token streams of every training clip that the three stages train on (MusicLM §3.2), computed once with the
/// earlier notebooks' models and cached in the data folder: per clip, the MuLan tokens of its AUDIO embedding (§3.1:
/// the stages are trained on audio and sampled from text), its semantic tokens (T_s at 25 Hz) and all its codec
/// codes (Q × T_a at 50 Hz), with T_a = R · T_s exactly.
/// <para>
/// The cache is one safetensors file of int64 tensors — <c>seeds</c> (N), <c>conditioning</c> (N, C),
/// <c>semantic</c> (N, T_s), <c>acoustic</c> (N, Q, T_a) — with the <see cref="StageTokenSpec"/> as JSON metadata,
/// so Python reads it with <c>safetensors.torch.load_file</c>.
/// </para>
/// </summary>
public sealed class StageTokenSet
{
    /// <summary>The metadata value that marks a file as a token set (and not, say, a model checkpoint).</summary>
    public const string Content = "musiclm.stage-tokens";
    /// <summary>The layout version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Clips rendered and tokenized together: enough to keep both cores busy rendering, few enough that their audio stays small (64 × 10 s at 16 kHz ≈ 40 MB).</summary>
    private const int ChunkClips = 64;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public StageTokenSet(StageTokenSpec spec, IReadOnlyList<ClipTokens> clips)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(clips);
        spec.Validate();
        for (var i = 0; i < clips.Count; i++) Check(spec, clips[i], i);
        Spec = spec;
        Clips = clips;
    }

    /// <summary>What the streams are: vocabularies, frame rates, frames per clip, fingerprint.</summary>
    public StageTokenSpec Spec { get; }
    /// <summary>Every clip's tokens, in the order of the seeds they were computed from.</summary>
    public IReadOnlyList<ClipTokens> Clips { get; }
    public int Count => Clips.Count;

    /// <summary>
    /// The clips once more, each conditioned on the MuLan tokens of its own caption's TEXT embedding instead of its
    /// audio's (the caption is the synthetic clip's, from its seed, so nothing is rendered). MusicLM trains its stages
    /// on audio tokens alone and relies on MuLan's shared space to sample from text; a MuLan trained for minutes puts
    /// a caption's tokens elsewhere (on the course's models they agree with the audio's at the first level for 60 % of
    /// clips and almost never at the others), so a stage trained on audio tokens alone follows text prompts only half
    /// as well as it follows audio. Training on both (<see cref="AudioAndCaptionConditioned"/>) closes that gap.
    /// </summary>
    /// <summary>Every clip twice: as computed (audio conditioning), then <see cref="CaptionConditioned"/>: what the course's semantic stage trains on.</summary>
    public IReadOnlyList<ClipTokens> AudioAndCaptionConditioned(MuLanModel mulan) => Clips.Concat(CaptionConditioned(mulan)).ToList();

    public IReadOnlyList<ClipTokens> CaptionConditioned(MuLanModel mulan)
    {
        ArgumentNullException.ThrowIfNull(mulan);
        if (mulan.quantizer.Levels != Spec.ConditioningLevels || mulan.quantizer.CodebookSize != Spec.ConditioningCodebook)
            throw new ArgumentException($"this MuLan makes {mulan.quantizer.Levels} tokens of {mulan.quantizer.CodebookSize}; the clips were " +
                $"conditioned on {Spec.ConditioningLevels} of {Spec.ConditioningCodebook} (another MuLan)", nameof(mulan));
        var captions = Captions();
        var result = new List<ClipTokens>(Count);
        foreach (var chunk in captions.Chunk(ChunkClips))
        {
            using var scope = torch.NewDisposeScope();
            var tokens = mulan.Tokens(mulan.EmbedText(chunk));               // (b, C)
            var flat = tokens.ToArray<long>();
            for (var i = 0; i < chunk.Length; i++)
                result.Add(Clips[result.Count] with { Conditioning = flat.AsSpan(i * Spec.ConditioningLevels, Spec.ConditioningLevels).ToArray() });
        }
        return result;
    }

    /// <summary>Each clip's caption: the synthetic clip's, composed again from its seed (nothing is rendered).</summary>
    public IReadOnlyList<string> Captions() =>
        Clips.Select(c => SyntheticMusic.Compose(ClipSpec.Random(c.Seed, Spec.SampleRate, Spec.ClipSeconds)).Caption).ToList();

    // ---- computing ----

    /// <summary>
    /// Renders <c>SyntheticMusic.Generate(seed, codec rate, clipSeconds)</c> for every seed (in parallel chunks; only
    /// one chunk's audio is held at a time) and tokenizes each clip with the three models, in eval mode and without
    /// gradients, wherever the models live (results come back to the CPU). The clips are rendered at the codec's rate;
    /// the semantic tokenizer and MuLan resample them to theirs when it differs.
    /// </summary>
    public static StageTokenSet Compute(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan,
        IReadOnlyList<int> seeds, double clipSeconds = 10, IProgress<StageTokenProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(semantic);
        ArgumentNullException.ThrowIfNull(mulan);
        ArgumentNullException.ThrowIfNull(seeds);
        return ComputeWith(codec, semantic, mulan, seeds, clipSeconds, progress, TokenFingerprint.Of(codec, semantic, mulan, seeds, clipSeconds, codec.SampleRate));
    }

    private static StageTokenSet ComputeWith(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan,
        IReadOnlyList<int> seeds, double clipSeconds, IProgress<StageTokenProgress>? progress, TokenFingerprint fingerprint)
    {
        var spec = SpecFor(codec, semantic, mulan, seeds, clipSeconds, fingerprint.Combined);
        var watch = Stopwatch.StartNew();
        var clips = new List<ClipTokens>(seeds.Count);
        var codecDevice = DeviceOf(codec);
        var stereo = codec.Channels == 2;
        var modes = new[] { codec.training, semantic.training, mulan.training };
        codec.eval();
        semantic.eval();
        mulan.eval();
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var chunk in seeds.Chunk(ChunkClips))
            {
                var audio = chunk.AsParallel().AsOrdered()
                    .Select(seed => SyntheticMusic.Generate(seed, spec.SampleRate, clipSeconds, stereo).Audio)
                    .ToList();
                var conditioning = ConditioningOf(mulan, audio);                                   // (b, C)
                for (var i = 0; i < chunk.Length; i++)
                {
                    var sem = semantic.Tokenize(audio[i]);                                          // (T_s')
                    var acoustic = AcousticOf(codec, codecDevice, audio[i]);                        // Q × F
                    clips.Add(new ClipTokens(chunk[i], conditioning[i], Fit(sem, spec.SemanticFrames, "semantic tokens", chunk[i]),
                        acoustic.Select(level => Fit(level, spec.AcousticFrames, "codec frames", chunk[i])).ToArray()));
                }
                progress?.Report(new StageTokenProgress(clips.Count, seeds.Count, watch.Elapsed));
            }
        }
        finally
        {
            codec.train(modes[0]);
            semantic.train(modes[1]);
            mulan.train(modes[2]);
        }
        return new StageTokenSet(spec, clips);
    }

    /// <summary>
    /// The fingerprint a token set computed from these models and clips would have: a short SHA-256 (hex) over the
    /// three models' configs and weights, the seeds and the clip length. Retraining or changing any model changes it.
    /// </summary>
    public static string Fingerprint(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan, IReadOnlyList<int> seeds, double clipSeconds = 10)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(semantic);
        ArgumentNullException.ThrowIfNull(mulan);
        ArgumentNullException.ThrowIfNull(seeds);
        return TokenFingerprint.Of(codec, semantic, mulan, seeds, clipSeconds, codec.SampleRate).Combined;
    }

    /// <summary>
    /// The cache at <paramref name="path"/> when it was computed from the same models and clips (same fingerprint);
    /// otherwise computes the tokens and saves them there (atomically). <paramref name="log"/> hears which happened and
    /// why. A file there that is not a readable token set is a <see cref="CheckpointFormatException"/> (it is left
    /// alone: delete it to recompute).
    /// </summary>
    public static StageTokenSet LoadOrCompute(string path, CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan,
        IReadOnlyList<int> seeds, double clipSeconds = 10, IProgress<StageTokenProgress>? progress = null, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(semantic);
        ArgumentNullException.ThrowIfNull(mulan);
        ArgumentNullException.ThrowIfNull(seeds);
        var wanted = TokenFingerprint.Of(codec, semantic, mulan, seeds, clipSeconds, codec.SampleRate);
        string why;
        if (File.Exists(path))
        {
            var (spec, parts) = ReadMetadata(path, Safetensors.ReadHeader(path).Metadata);
            if (spec.Fingerprint == wanted.Combined)
            {
                var set = Load(path);
                log?.Invoke($"loaded {set.Count} clips' tokens from {path}");
                return set;
            }
            var changed = parts is null ? new List<string>() : wanted.Differences(parts).ToList();
            why = $"the tokens at {path} (fingerprint {spec.Fingerprint}) came from other inputs " +
                  $"({(changed.Count > 0 ? string.Join(", ", changed) + " changed" : "fingerprint " + wanted.Combined + " now")})";
        }
        else why = $"no tokens cached at {path}";
        log?.Invoke($"{why}: computing the tokens of {seeds.Count} clips of {clipSeconds:0.##} s");
        var watch = Stopwatch.StartNew();
        var computed = ComputeWith(codec, semantic, mulan, seeds, clipSeconds, progress, wanted);
        computed.SaveWith(path, wanted);
        log?.Invoke($"computed {computed.Count} clips' tokens in {watch.Elapsed.TotalSeconds:0.#} s and saved them to {path}");
        return computed;
    }

    // ---- the file ----

    /// <summary>Saves the tokens to one safetensors file, atomically (a crash leaves the old file or none, never half of one).</summary>
    public void Save(string path) => SaveWith(path, null);

    private void SaveWith(string path, TokenFingerprint? parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int n = Count, c = Spec.ConditioningLevels, ts = Spec.SemanticFrames, q = Spec.CodecLevels, ta = Spec.AcousticFrames;
        var seeds = new long[n];
        var conditioning = new long[(long)n * c];
        var semantic = new long[(long)n * ts];
        var acoustic = new long[(long)n * q * ta];
        for (var i = 0; i < n; i++)
        {
            var clip = Clips[i];
            seeds[i] = clip.Seed;
            clip.Conditioning.CopyTo(conditioning, (long)i * c);
            clip.Semantic.CopyTo(semantic, (long)i * ts);
            for (var l = 0; l < q; l++) clip.Acoustic[l].CopyTo(acoustic, ((long)i * q + l) * ta);
        }
        var metadata = new Dictionary<string, string>
        {
            ["content"] = Content,
            ["version"] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["spec"] = JsonSerializer.Serialize(Spec, Json),
        };
        if (parts is not null && parts.Combined == Spec.Fingerprint) metadata["fingerprints"] = JsonSerializer.Serialize(parts, Json);
        using var scope = torch.NewDisposeScope();
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["seeds"] = torch.tensor(seeds, n),                              // (N)
            ["conditioning"] = torch.tensor(conditioning, n, c),             // (N, C)
            ["semantic"] = torch.tensor(semantic, n, ts),                    // (N, T_s)
            ["acoustic"] = torch.tensor(acoustic, n, q, ta),                 // (N, Q, T_a)
        }, metadata);
    }

    /// <summary>
    /// Loads a token set saved with <see cref="Save"/>. A file that is truncated, not a token set, or whose tensors do
    /// not match its spec (shapes, dtypes, tokens outside their vocabularies) is a <see cref="CheckpointFormatException"/>
    /// naming the file and the problem; the file is only read.
    /// </summary>
    public static StageTokenSet Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no stage token set at '{path}'", path);
        using var file = Safetensors.Load(path);
        var (spec, _) = ReadMetadata(path, file.Metadata);
        var names = new[] { "seeds", "conditioning", "semantic", "acoustic" };
        var extra = file.Tensors.Keys.Except(names).ToList();
        if (extra.Count > 0) throw new CheckpointFormatException(path, $"unexpected tensors [{string.Join(", ", extra)}]; a token set holds [{string.Join(", ", names)}]");
        Tensor Get(string name)
        {
            if (!file.Tensors.TryGetValue(name, out var t)) throw new CheckpointFormatException(path, $"the tensor '{name}' is missing");
            if (t.dtype != ScalarType.Int64) throw new CheckpointFormatException(path, $"'{name}' is {Safetensors.DTypeName(t.dtype)}, expected I64");
            return t;
        }
        var seedsT = Get("seeds");
        if (seedsT.dim() != 1) throw new CheckpointFormatException(path, $"'seeds' has shape [{string.Join(", ", seedsT.shape)}], expected (N)");
        var n = seedsT.size(0);
        void Shape(string name, params long[] expected)
        {
            var t = Get(name);
            if (!t.shape.SequenceEqual(expected))
                throw new CheckpointFormatException(path, $"'{name}' has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", expected)}] from {n} seeds and the spec");
        }
        Shape("conditioning", n, spec.ConditioningLevels);
        Shape("semantic", n, spec.SemanticFrames);
        Shape("acoustic", n, spec.CodecLevels, spec.AcousticFrames);
        var seeds = seedsT.ToArray<long>();
        var conditioning = InRange(path, "conditioning", Get("conditioning").ToArray<long>(), spec.ConditioningCodebook);
        var semantic = InRange(path, "semantic", Get("semantic").ToArray<long>(), spec.SemanticVocabulary);
        var acoustic = InRange(path, "acoustic", Get("acoustic").ToArray<long>(), spec.CodebookSize);

        int c = spec.ConditioningLevels, ts = spec.SemanticFrames, q = spec.CodecLevels, ta = spec.AcousticFrames;
        var clips = new List<ClipTokens>((int)n);
        for (var i = 0; i < n; i++)
        {
            if (seeds[i] is < int.MinValue or > int.MaxValue) throw new CheckpointFormatException(path, $"seed {seeds[i]} (clip {i}) is not a 32-bit integer");
            var levels = new long[q][];
            for (var l = 0; l < q; l++) levels[l] = acoustic.AsSpan((int)(((long)i * q + l) * ta), ta).ToArray();
            clips.Add(new ClipTokens((int)seeds[i], conditioning.AsSpan(i * c, c).ToArray(), semantic.AsSpan(i * ts, ts).ToArray(), levels));
        }
        return new StageTokenSet(spec, clips);
    }

    // ---- helpers ----

    private static StageTokenSpec SpecFor(CodecModel codec, SemanticTokenizer semantic, MuLanModel mulan, IReadOnlyList<int> seeds, double clipSeconds, string fingerprint)
    {
        if (seeds.Count == 0) throw new ArgumentException("no seeds: give at least one clip to tokenize", nameof(seeds));
        if (!(clipSeconds > 0) || double.IsInfinity(clipSeconds)) throw new ArgumentOutOfRangeException(nameof(clipSeconds), clipSeconds, "the clip length must be a positive number of seconds");
        if (codec.Channels is not (1 or 2)) throw new ArgumentException($"the synthetic clips are mono or stereo; this codec takes {codec.Channels} channels", nameof(codec));
        if (!mulan.quantizer.IsFitted)
            throw new ArgumentException("MuLan's conditioning quantizer is not fitted (fit it on audio embeddings with MuLanTrainer.FitQuantizer, as notebook 04 does)", nameof(mulan));
        var ratio = StageTokenSpec.FrameRatioOf(codec.FrameRate, semantic.FrameRate);
        var samples = (long)Math.Round(clipSeconds * codec.SampleRate);
        // The semantic tokenizer reads the clip at its own rate: its frame count is the one the stages must keep.
        var semanticSamples = codec.SampleRate == semantic.SampleRate ? samples : (long)Math.Round(samples * (double)semantic.SampleRate / codec.SampleRate);
        var ts = semantic.FramesFor(semanticSamples);
        if (ts < 1) throw new ArgumentOutOfRangeException(nameof(clipSeconds), clipSeconds, "the clip is too short for one semantic token");
        return new StageTokenSpec
        {
            ConditioningLevels = mulan.quantizer.Levels, ConditioningCodebook = mulan.quantizer.CodebookSize,
            SemanticVocabulary = semantic.VocabularySize, SemanticFrameRate = semantic.FrameRate,
            CodecLevels = codec.Levels, CodebookSize = codec.CodebookSize, AcousticFrameRate = codec.FrameRate,
            FrameRatio = ratio, SampleRate = codec.SampleRate, ClipSeconds = clipSeconds,
            SemanticFrames = checked((int)ts), AcousticFrames = checked((int)ts * ratio),
            Fingerprint = fingerprint,
        };
    }

    /// <summary>MuLan tokens (b, C) of the clips' audio embeddings, batched, as rows of a CPU array.</summary>
    private static long[][] ConditioningOf(MuLanModel mulan, IReadOnlyList<AudioClip> audio)
    {
        using var scope = torch.NewDisposeScope();
        var tokens = mulan.Tokens(mulan.EmbedAudio(audio));                  // (b, C) on MuLan's device
        var levels = (int)tokens.size(1);
        var flat = tokens.ToArray<long>();
        return Enumerable.Range(0, audio.Count).Select(i => flat.AsSpan(i * levels, levels).ToArray()).ToArray();
    }

    /// <summary>All codec levels of one clip, Q arrays of F codes.</summary>
    private static long[][] AcousticOf(CodecModel codec, Device device, AudioClip clip)
    {
        using var scope = torch.NewDisposeScope();
        var x = clip.ToTensor().unsqueeze(0).to(device);                      // (1, C, S)
        var codes = codec.Encode(x).select(0, 0);                            // (Q, F)
        var frames = (int)codes.size(1);
        var flat = codes.ToArray<long>();
        return Enumerable.Range(0, codec.Levels).Select(l => flat.AsSpan(l * frames, frames).ToArray()).ToArray();
    }

    /// <summary>
    /// A stream cut or extended (repeating its last token) to <paramref name="frames"/>. The codec counts a partial last
    /// frame at its hop and the tokenizer at its own, so the two may disagree by a frame or two; more means the
    /// models do not describe the same audio.
    /// </summary>
    private static long[] Fit(long[] tokens, int frames, string what, int seed)
    {
        const int Slack = 2;
        if (tokens.Length == frames) return tokens;
        if (tokens.Length == 0 || Math.Abs(tokens.Length - frames) > Slack)
            throw new InvalidOperationException($"clip {seed} gave {tokens.Length} {what}, expected {frames} (± {Slack}): the models' frame rates and sample rates do not line up");
        var fitted = new long[frames];
        Array.Copy(tokens, fitted, Math.Min(frames, tokens.Length));
        for (var t = tokens.Length; t < frames; t++) fitted[t] = tokens[^1];
        return fitted;
    }

    /// <summary>The device a model's parameters (or buffers) are on; the CPU for one with neither.</summary>
    internal static Device DeviceOf(Module model) =>
        model.parameters().Select(p => (Device?)p.device).FirstOrDefault()
        ?? model.named_buffers().Select(b => (Device?)b.buffer.device).FirstOrDefault()
        ?? Device.CPU;

    private static (StageTokenSpec Spec, TokenFingerprint? Parts) ReadMetadata(string path, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue("content", out var content))
            throw new CheckpointFormatException(path, $"this safetensors file is not a stage token set (its metadata has no \"content\": \"{Content}\")");
        if (content != Content) throw new CheckpointFormatException(path, $"this file holds '{content}', not a stage token set ('{Content}')");
        if (!metadata.TryGetValue("version", out var v) || !int.TryParse(v, out var version))
            throw new CheckpointFormatException(path, "the token set's metadata has no integer \"version\"");
        if (version > FormatVersion) throw new CheckpointFormatException(path, $"token set format {version} is newer than this library's {FormatVersion}");
        if (!metadata.TryGetValue("spec", out var specJson)) throw new CheckpointFormatException(path, "the token set's metadata has no \"spec\"");
        StageTokenSpec spec;
        try { spec = JsonSerializer.Deserialize<StageTokenSpec>(specJson, Json) ?? throw new JsonException("the spec is null"); }
        catch (JsonException ex) { throw new CheckpointFormatException(path, $"the spec is not valid JSON for {nameof(StageTokenSpec)} ({ex.Message})", ex); }
        try { spec.Validate(); }
        catch (ArgumentException ex) { throw new CheckpointFormatException(path, $"the spec is not valid: {ex.Message}", ex); }
        TokenFingerprint? parts = null;
        if (metadata.TryGetValue("fingerprints", out var partsJson))
        {
            try { parts = JsonSerializer.Deserialize<TokenFingerprint>(partsJson, Json); }
            catch (JsonException) { }                                        // only used to say what changed
        }
        return (spec, parts);
    }

    private static long[] InRange(string path, string name, long[] values, int size)
    {
        for (var i = 0; i < values.Length; i++)
            if (values[i] < 0 || values[i] >= size)
                throw new CheckpointFormatException(path, $"'{name}' holds {values[i]} at flat index {i}, outside [0, {size})");
        return values;
    }

    private static void Check(StageTokenSpec spec, ClipTokens clip, int index)
    {
        ArgumentNullException.ThrowIfNull(clip, $"clips[{index}]");
        if (clip.Conditioning.Length != spec.ConditioningLevels || clip.Semantic.Length != spec.SemanticFrames
            || clip.Acoustic.Length != spec.CodecLevels || clip.Acoustic.Any(l => l.Length != spec.AcousticFrames))
            throw new ArgumentException($"clip {index} (seed {clip.Seed}) has {clip.Conditioning.Length} conditioning tokens, {clip.Semantic.Length} semantic tokens and " +
                $"{clip.Acoustic.Length} codec levels of [{string.Join(", ", clip.Acoustic.Select(l => l.Length).Distinct())}] frames; the spec says " +
                $"{spec.ConditioningLevels}, {spec.SemanticFrames} and {spec.CodecLevels} × {spec.AcousticFrames}", "clips");
    }
}

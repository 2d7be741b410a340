using System.Diagnostics;
using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;
using MusicLM.Transformers;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.OneStage;

/// <summary>
/// MusicGen's single-stage language model (Copet et al. 2023 §2.2–2.3) at course scale: one decoder-only transformer
/// over every codec level at once, interleaved by a <see cref="CodebookPattern"/> (the delay pattern by default). At
/// each step the embeddings of the step's codes are summed, one per level (<c>emb</c>, K + 1 rows each, the last the
/// special token), the blocks (<c>h</c>: causal self-attention with rotary positions, cross-attention to the text
/// states, MLP) run, and one head per level (<c>heads</c>) predicts that level's code at the next step. Text
/// conditioning is cross-attention to the MuLan text tower's token states (MusicGen reads a frozen T5's); the null
/// condition is one all-zero state, so the model can be run unconditionally for classifier-free guidance.
/// </summary>
public sealed class MusicGenModel : Module
{
    public readonly ModuleList<Embedding> emb;
    public readonly ModuleList<DecoderBlock> h;
    public readonly LayerNorm ln_f;
    public readonly ModuleList<Linear> heads;

    private readonly CodebookPattern pattern;
    private readonly TransformerConfig transformerConfig;

    public MusicGenModel(MusicGenConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        pattern = config.PatternObject();
        transformerConfig = config.TransformerShape();
        int C = transformerConfig.Width;
        emb = new ModuleList<Embedding>(Enumerable.Range(0, config.CodecLevels).Select(_ => new Embedding(config.CodebookSize + 1, C)));
        h = new ModuleList<DecoderBlock>(Enumerable.Range(0, transformerConfig.Layers).Select(_ => new DecoderBlock(transformerConfig)));
        ln_f = new LayerNorm(C);
        heads = new ModuleList<Linear>(Enumerable.Range(0, config.CodecLevels).Select(_ => new Linear(C, config.CodebookSize, bias: false)));
        Initialize();
    }

    public MusicGenConfig Config { get; }
    /// <summary>The interleaving pattern.</summary>
    public CodebookPattern Pattern => pattern;
    public Device Device => ln_f.weight!.device;
    /// <summary>Parameters, counted from the tensors.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>GPT-2's initialisation, as <see cref="TokenTransformer"/>'s.</summary>
    private void Initialize() => TokenTransformer.InitializeGpt2(this, transformerConfig.Layers);

    /// <summary>
    /// Logits (B, Q, S, K) for input steps (B, Q, S) at <paramref name="positions"/> (S): the output at step i
    /// predicts each level's code at the step after the input's. <paramref name="context"/> (B, L, TextWidth) and
    /// <paramref name="contextMask"/> (B, L; true = ignore) are the text states; with a cache they are read on the
    /// first call only.
    /// </summary>
    public Tensor forward(Tensor inputs, Tensor positions, Tensor? context, Tensor? contextMask, TransformerCache? cache = null)
    {
        if (inputs.dim() != 3 || inputs.size(1) != Config.CodecLevels)
            throw new ArgumentException($"inputs must be (B, Q = {Config.CodecLevels}, S), got [{string.Join(", ", inputs.shape)}]", nameof(inputs));
        if (inputs.dtype != ScalarType.Int64) throw new ArgumentException($"inputs must be int64, got {inputs.dtype}", nameof(inputs));
        long B = inputs.size(0), S = inputs.size(2);
        if (positions.dim() != 1 || positions.size(0) != S)
            throw new ArgumentException($"positions must be (S) = ({S}), got [{string.Join(", ", positions.shape)}]", nameof(positions));
        var past = cache?.Length ?? 0;
        if (past + S > transformerConfig.MaxLength)
            throw new ArgumentException($"{past + S} steps exceed the model's window of {transformerConfig.MaxLength}", nameof(inputs));
        if (context is null && cache?.Context[0] is null) throw new ArgumentException("give the text states (MusicGenModel.NullContext for none)", nameof(context));
        if (context is not null && (context.dim() != 3 || context.size(0) != B || context.size(2) != Config.TextWidth))
            throw new ArgumentException($"text states must be (B = {B}, L, {Config.TextWidth}), got [{string.Join(", ", context.shape)}]", nameof(context));
        if (inputs.numel() > 0)
        {
            using var lo = inputs.min();
            using var hi = inputs.max();
            if ((long)lo.item() < 0 || (long)hi.item() > Config.Special)
                throw new ArgumentOutOfRangeException(nameof(inputs), $"codes must be in [0, {Config.CodebookSize}] ({Config.CodebookSize}: the special token), got values from {(long)lo.item()} to {(long)hi.item()}");
        }

        using var scope = torch.NewDisposeScope();
        var (cos, sin) = RotaryEmbedding.Angles(positions, transformerConfig.HeadDim, transformerConfig.RotaryBase, Device);
        Tensor x = emb[0].forward(inputs.select(1, 0));                                            // (B, S, C)
        for (var q = 1; q < Config.CodecLevels; q++) x = x + emb[q].forward(inputs.select(1, q));  // MusicGen sums the levels' embeddings
        x = F.dropout(x, transformerConfig.Dropout, training && transformerConfig.Dropout > 0);
        for (var i = 0; i < h.Count; i++)
        {
            var kv = cache?.Context[i];
            if (kv is null)
            {
                kv = h[i].cross!.KeysValues(context!);
                if (cache is not null)
                {
                    kv.Value.keys.DetachFromDisposeScope();
                    kv.Value.values.DetachFromDisposeScope();
                    cache.Context[i] = kv;
                }
            }
            x = h[i].forward(x, cos, sin, cache?.Layers[i], kv, contextMask, keepWeights: false).output;
        }
        x = ln_f.forward(x);                                                                       // (B, S, C)
        var logits = torch.stack(heads.Select(head => head.forward(x)).ToArray(), 1);              // (B, Q, S, K)
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>The null condition for <paramref name="rows"/> rows: one all-zero text state each (B, 1, TextWidth).</summary>
    public Tensor NullContext(long rows) => torch.zeros([rows, 1, Config.TextWidth], device: Device);

    /// <summary>
    /// The model's inputs for whole pattern sequences (B, Q, S): the start step (all special) followed by the
    /// sequence shifted right by one step, so output i predicts sequence step i.
    /// </summary>
    public Tensor Shifted(Tensor sequences)
    {
        using var scope = torch.NewDisposeScope();
        long B = sequences.size(0), Q = sequences.size(1), S = sequences.size(2);
        var start = torch.full([B, Q, 1], Config.Special, ScalarType.Int64, device: sequences.device);
        return torch.cat([start, sequences.narrow(2, 0, S - 1)], 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean cross-entropy (nats per code) over the codes of whole pattern sequences (B, Q, S) — the special token is
    /// never a target — and the share of codes predicted exactly. Rows whose <paramref name="contextMask"/> is
    /// all true but the first state are the null condition.
    /// </summary>
    public (Tensor loss, Tensor correct) Loss(Tensor sequences, Tensor context, Tensor? contextMask)
    {
        if (sequences.dim() != 3 || sequences.size(1) != Config.CodecLevels || sequences.size(2) != Config.Steps)
            throw new ArgumentException($"sequences must be (B, Q = {Config.CodecLevels}, S = {Config.Steps}), got [{string.Join(", ", sequences.shape)}]", nameof(sequences));
        using var scope = torch.NewDisposeScope();
        var seq = sequences.to(Device);
        var logits = forward(Shifted(seq), Positions(0, Config.Steps), context.to(Device), contextMask?.to(Device));   // (B, Q, S, K)
        var target = seq.masked_fill(seq.eq(Config.Special), -100);                               // the special token is no target
        var flat = logits.reshape(-1, Config.CodebookSize);
        var t = target.reshape(-1);
        var loss = F.cross_entropy(flat, t, ignore_index: -100);
        var valid = t.ne(-100);
        var correct = flat.argmax(-1).eq(t).logical_and(valid).to(ScalarType.Float32).sum() / valid.to(ScalarType.Float32).sum();
        return (loss.MoveToOuterDisposeScope(), correct.MoveToOuterDisposeScope());
    }

    /// <summary>Positions first … first + count − 1 on the model's device.</summary>
    public Tensor Positions(int first, int count) => torch.arange(first, first + count, device: Device);

    /// <summary>
    /// Samples the codes of one window of <paramref name="frames"/> frames per row (≤ <see cref="MusicGenConfig.Frames"/>),
    /// conditioned on each row's text states (<paramref name="context"/> (B, L, W), <paramref name="contextMask"/>
    /// (B, L), null for the null condition). <paramref name="given"/>, if set, fixes the first frames of each row's
    /// codes (Q × P, P &lt; frames, the same P for every row): those cells are copied, every other is sampled.
    /// With a guidance scale other than 1 each row also runs with the null condition and the two are mixed
    /// (<see cref="Sampler.Guide"/>) level by level. Returns codes B × Q × frames.
    /// </summary>
    public long[][][] GenerateWindow(Tensor? context, Tensor? contextMask, int rows, int frames, SamplingConfig? sampling = null,
                               IReadOnlyList<long[][]>? given = null, IProgress<GenerationProgress>? progress = null,
                               CancellationToken cancellation = default)
    {
        var cfg = sampling ?? Config.Sampling;
        cfg.Validate();
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "generate at least one row");
        if (frames < 1 || frames > Config.Frames)
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"a window is 1 to {Config.Frames} frames; longer clips continue window by window (Generate)");
        if (context is not null && (context.dim() != 3 || context.size(0) != rows || context.size(2) != Config.TextWidth))
            throw new ArgumentException($"text states must be (B = {rows}, L, {Config.TextWidth}), got [{string.Join(", ", context.shape)}]", nameof(context));
        var known = 0;
        if (given is not null)
        {
            if (given.Count != rows) throw new ArgumentException($"give the known codes of every row ({rows}), got {given.Count}", nameof(given));
            known = given[0].Length == 0 ? 0 : given[0][0].Length;
            foreach (var g in given)
            {
                if (g.Length != Config.CodecLevels || g.Any(l => l.Length != known))
                    throw new ArgumentException($"known codes must be Q = {Config.CodecLevels} levels × the same number of frames in every row", nameof(given));
                if (g.Any(l => l.Any(c => c < 0 || c >= Config.CodebookSize)))
                    throw new ArgumentOutOfRangeException(nameof(given), $"known codes must be in [0, {Config.CodebookSize})");
            }
            if (known >= frames) throw new ArgumentException($"{known} known frames leave nothing to generate in a window of {frames}", nameof(given));
        }

        int Q = Config.CodecLevels, S = pattern.Length(frames);
        var index = pattern.TimeIndex(frames);                                                     // Q × S: frame or −1
        var guided = cfg.NeedsUnconditional;
        var R = guided ? 2 * rows : rows;
        var seq = new long[rows, Q, S];
        // The first step with a cell to sample: everything before it is known (or special) and is fed in one call.
        var first = Enumerable.Range(0, S).First(s => Enumerable.Range(0, Q).Any(q => index[q][s] >= known));
        for (var b = 0; b < rows; b++)
            for (var q = 0; q < Q; q++)
                for (var s = 0; s < S; s++)
                    seq[b, q, s] = index[q][s] < 0 ? Config.Special : index[q][s] < known ? given![b][q][index[q][s]] : -1;

        var wasTraining = training;
        eval();
        torch.manual_seed(cfg.Seed);
        var watch = Stopwatch.StartNew();
        try
        {
            using var _ = torch.no_grad();
            using var cache = new TransformerCache(transformerConfig.Layers, transformerConfig.MaxLength);
            Tensor ctx, mask;
            using (var scope = torch.NewDisposeScope())
            {
                var conditional = context?.to(Device) ?? NullContext(rows);
                var condMask = context is null ? torch.zeros([rows, 1], ScalarType.Bool, device: Device) : contextMask?.to(Device) ?? torch.zeros([rows, conditional.size(1)], ScalarType.Bool, device: Device);
                if (guided)
                {
                    // The null rows: one zero state, padded to the conditional rows' length and masked beyond it.
                    var L = conditional.size(1);
                    var nul = torch.zeros([rows, L, Config.TextWidth], device: Device);
                    var nulMask = torch.ones([rows, L], ScalarType.Bool, device: Device);
                    nulMask.narrow(1, 0, 1).fill_(0);
                    conditional = torch.cat([conditional, nul], 0);
                    condMask = torch.cat([condMask, nulMask], 0);
                }
                ctx = conditional.DetachFromDisposeScope();
                mask = condMask.DetachFromDisposeScope();
            }
            using var ctxOwner = ctx;
            using var maskOwner = mask;

            // Inputs of steps 0 … first: the start step, then sequence steps 0 … first − 1.
            Tensor logits;
            using (var scope = torch.NewDisposeScope())
            {
                var input = new long[R * Q * (first + 1)];
                for (var r = 0; r < R; r++)
                    for (var q = 0; q < Q; q++)
                        for (var s = 0; s <= first; s++)
                            input[(r * Q + q) * (first + 1) + s] = s == 0 ? Config.Special : seq[r % rows, q, s - 1];
                var x = torch.tensor(input, R, Q, first + 1).to(Device);
                logits = CachedForward(x, first + 1, ctx, mask, cache).select(2, first).contiguous().DetachFromDisposeScope();   // (R, Q, K)
            }
            for (var s = first; s < S; s++)
            {
                cancellation.ThrowIfCancellationRequested();
                long[] drawn;
                using (var scope = torch.NewDisposeScope())
                {
                    var scores = guided ? Sampler.Guide(logits.narrow(0, 0, rows), logits.narrow(0, rows, rows), cfg.GuidanceScale) : logits;   // (B, Q, K)
                    drawn = Sampler.Sample(scores.reshape(rows * Q, Config.CodebookSize), cfg).cpu().ToArray<long>();              // (B·Q)
                }
                logits.Dispose();
                for (var b = 0; b < rows; b++)
                    for (var q = 0; q < Q; q++)
                        if (seq[b, q, s] == -1) seq[b, q, s] = drawn[b * Q + q];
                progress?.Report(new GenerationProgress(s + 1 - first, S - first, watch.Elapsed));
                if (s == S - 1) break;
                var feed = new long[R * Q];
                for (var r = 0; r < R; r++)
                    for (var q = 0; q < Q; q++) feed[r * Q + q] = seq[r % rows, q, s];
                using var step = torch.tensor(feed, R, Q, 1).to(Device);
                using var next = CachedForward(step, 1, ctx, mask, cache);
                logits = next.select(2, 0).contiguous();                                            // (R, Q, K)
            }
        }
        finally
        {
            train(wasTraining);
        }
        var result = new long[rows][][];
        for (var b = 0; b < rows; b++)
        {
            var sequence = Enumerable.Range(0, Q).Select(q => Enumerable.Range(0, S).Select(s => seq[b, q, s]).ToArray()).ToArray();
            result[b] = pattern.Revert(sequence, frames);
        }
        return result;
    }

    /// <summary>
    /// Codes of <paramref name="frames"/> frames per row, longer than a window by sliding-window continuation (as the
    /// hierarchy's stages, and MusicGen's extension past 30 s): each later window starts
    /// <paramref name="overlap"/> frames before the end of what is made so far and is given those frames. A first
    /// window of <paramref name="given"/> frames (an audio prompt's codes, Q × P each) is continued the same way.
    /// Window w samples with seed <c>sampling.Seed + w</c>. Returns codes B × Q × frames.
    /// </summary>
    public long[][][] Generate(Tensor? context, Tensor? contextMask, int rows, int frames, int overlap, SamplingConfig? sampling = null,
                               IReadOnlyList<long[][]>? given = null, IProgress<GenerationProgress>? progress = null,
                               CancellationToken cancellation = default)
    {
        var cfg = sampling ?? Config.Sampling;
        int W = Config.Frames, Q = Config.CodecLevels;
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "generate at least one frame");
        if (overlap < 0 || overlap >= W) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"the overlap must be in [0, {W - 1}] frames (the window is {W})");
        var known = given is { Count: > 0 } && given[0].Length > 0 ? given[0][0].Length : 0;
        if (known >= frames) throw new ArgumentException($"the {known} given frames are already {frames} frames: ask for more", nameof(given));
        var codes = Enumerable.Range(0, rows).Select(b => Enumerable.Range(0, Q).Select(q => new long[frames]).ToArray()).ToArray();
        if (known > 0)
            for (var b = 0; b < rows; b++)
                for (var q = 0; q < Q; q++) Array.Copy(given![b][q], codes[b][q], known);
        var filled = known;
        var windows = 0;
        var total = frames - known;
        var watch = Stopwatch.StartNew();
        while (filled < frames)
        {
            cancellation.ThrowIfCancellationRequested();
            var start = filled < W ? 0 : filled - overlap;
            var n = Math.Min(W, frames - start);
            var have = filled - start;
            var start0 = filled;
            var inner = progress is null ? null : new Training.RelayProgress<GenerationProgress>(p =>
                progress.Report(new GenerationProgress(start0 - known + (int)((long)p.Tokens * (n - have) / Math.Max(1, p.Total)), total, watch.Elapsed)));
            var window = GenerateWindow(context, contextMask, rows, n, cfg with { Seed = cfg.Seed + (ulong)windows },
                have == 0 ? null : codes.Select(c => c.Select(l => l[start..filled]).ToArray()).ToList(), inner, cancellation);
            for (var b = 0; b < rows; b++)
                for (var q = 0; q < Q; q++) Array.Copy(window[b][q], have, codes[b][q], filled, n - have);
            filled = start + n;
            windows++;
        }
        progress?.Report(new GenerationProgress(total, total, watch.Elapsed));
        return codes;
    }

    /// <summary>A forward over <paramref name="count"/> new steps continuing the cache, with the text states and their mask on every call.</summary>
    private Tensor CachedForward(Tensor inputs, int count, Tensor context, Tensor mask, TransformerCache cache)
    {
        using var positions = Positions((int)cache.Length, count);
        return forward(inputs, positions, context, mask, cache);
    }

    // ---- checkpoints ----

    /// <summary>Saves weights (safetensors) and the <see cref="MusicGenConfig"/> (JSON beside them).</summary>
    public void Save(string path, IReadOnlyDictionary<string, Tensor>? optimizerState = null) => Checkpoint.Save(path, this, Config, optimizerState);

    /// <summary>Loads a model saved by <see cref="Save"/>; an unreadable or mismatched file is a <see cref="CheckpointFormatException"/>.</summary>
    public static MusicGenModel Load(string path)
    {
        var config = Checkpoint.Load<MusicGenConfig>(path);
        MusicGenModel model;
        try { model = new MusicGenModel(config); }
        catch (ArgumentException ex) { throw new CheckpointFormatException(Checkpoint.ConfigPath(path), $"the one-stage model's config is not valid: {ex.Message}", ex); }
        try { Checkpoint.LoadInto(path, model); }
        catch { model.Dispose(); throw; }
        return model;
    }

    protected override string ExtraRepr() =>
        $"{pattern.Name} pattern over {Config.CodecLevels} levels × {Config.Frames} frames ({Config.Steps} steps), {transformerConfig.Layers} layers × {transformerConfig.Heads} heads × width {transformerConfig.Width}, text states of {Config.TextWidth}";
}

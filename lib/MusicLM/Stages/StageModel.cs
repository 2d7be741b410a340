using System.Diagnostics;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;
using MusicLM.Transformers;

namespace MusicLM.Stages;

/// <summary>
/// One stage of MusicLM's hierarchy (§3.2): a <see cref="TokenTransformer"/> over the stage's <see cref="TokenLayout"/>.
/// It scores training windows (cross-entropy on the target stream only, each position's softmax over the
/// tokens legal there) and samples targets from prefixes with classifier-free guidance, temperature, top-k and
/// top-p, decoding with a key/value cache.
/// </summary>
public sealed class StageModel : Module
{
    public readonly TokenTransformer transformer;

    public StageConfig Config { get; }
    public TokenLayout Layout { get; }
    public StageKind Kind => Config.Kind;
    public Device Device => transformer.Device;

    [Transient] private Tensor? legalMask;        // (T_target, V): 0 where legal, −∞ elsewhere
    [Transient] private Tensor? positions;        // (L)

    public StageModel(StageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Layout = config.Layout();
        transformer = new TokenTransformer(config.TransformerFor(Layout));
        sideIndex = SideIndexOf(config, Layout);
    }

    /// <summary>The positions of the whole layout (L), on the model's device.</summary>
    public Tensor Positions => OnDevice(ref positions, () => torch.tensor(Layout.Positions));

    /// <summary>(T_target, V): 0 where a token is legal at that target position, −∞ elsewhere.</summary>
    public Tensor LegalMask => OnDevice(ref legalMask, BuildLegalMask);

    /// <summary>A constant tensor kept on the model's device, rebuilt when the model moves.</summary>
    private Tensor OnDevice(ref Tensor? slot, Func<Tensor> make)
    {
        if (slot is { } t && t.device.ToString() == Device.ToString()) return t;
        slot?.Dispose();
        using var scope = torch.NewDisposeScope();
        slot = make().to(Device).DetachFromDisposeScope();
        return slot;
    }

    private Tensor BuildLegalMask()
    {
        long T = Layout.TargetLength, V = Layout.Vocabulary.Size;
        var m = new float[T * V];
        Array.Fill(m, float.NegativeInfinity);
        for (var i = 0; i < T; i++)
        {
            var r = Layout.TargetRange(i);
            Array.Fill(m, 0f, (int)(i * V + r.Offset), (int)r.Size);
        }
        return torch.tensor(m, T, V);
    }

    /// <summary>
    /// Target-stream logits (B, T_target, V) of whole sequences (B, L): position P−1+i predicts target token i; tokens
    /// not legal at a position are set to −∞, so the softmax runs over that position's level alone.
    /// </summary>
    /// <para><paramref name="inputs"/> (B, L), if given, is read in place of the sequences (a noised copy in training);
    /// the sequences stay the targets.</para>
    public Tensor TargetLogits(Tensor sequences, Tensor? inputs = null)
    {
        CheckSequences(sequences);
        if (inputs is not null && !inputs.shape.SequenceEqual(sequences.shape))
            throw new ArgumentException($"inputs must have the sequences' shape [{string.Join(", ", sequences.shape)}], got [{string.Join(", ", inputs.shape)}]", nameof(inputs));
        using var scope = torch.NewDisposeScope();
        int P = Layout.PrefixLength, T = Layout.TargetLength;
        var read = inputs ?? sequences;
        var input = read.narrow(1, 0, P + T - 1);                                          // (B, L−1): the last token predicts nothing
        var side = SideIds(read, 0, P + T - 1);                                              // (B, L−1) or null
        var logits = transformer.forward(input, Positions.narrow(0, 0, P + T - 1), side: side);   // (B, L−1, V)
        return (logits.narrow(1, P - 1, T) + LegalMask).MoveToOuterDisposeScope();           // (B, T, V)
    }

    /// <summary>Mean cross-entropy (nats per target token) and next-token accuracy of whole sequences (B, L).</summary>
    public (Tensor loss, Tensor correct) Loss(Tensor sequences, Tensor? inputs = null)
    {
        using var scope = torch.NewDisposeScope();
        int P = Layout.PrefixLength, T = Layout.TargetLength;
        var logits = TargetLogits(sequences, inputs);                                                // (B, T, V)
        var target = sequences.narrow(1, P, T);                                              // (B, T)
        var V = logits.size(2);
        var loss = functional.cross_entropy(logits.reshape(-1, V), target.reshape(-1));
        var correct = logits.argmax(-1).eq(target).to(ScalarType.Float32).mean();
        return (loss.MoveToOuterDisposeScope(), correct.MoveToOuterDisposeScope());
    }

    /// <summary>Self-attention weights of every layer (each (B, H, L, L)) for whole sequences, for display.</summary>
    public Tensor[] Attention(Tensor sequences)
    {
        CheckSequences(sequences);
        using var _ = torch.no_grad();
        using var side = SideIds(sequences, 0, Layout.Length);
        var (logits, att) = transformer.forward_with_attention(sequences.to(Device), Positions, side: side);
        logits.Dispose();
        return att;
    }

    /// <summary>
    /// For each input position j, the sequence index of the id whose embedding is added there (−1: none): with
    /// <see cref="StageConfig.SemanticSideInput"/>, the semantic token of the frame of the code that position j
    /// predicts (slot j + 1). Null when the stage adds nothing. Every index points into the prefix.
    /// </summary>
    private readonly int[]? sideIndex;

    private static int[]? SideIndexOf(StageConfig config, TokenLayout layout)
    {
        if (!config.SemanticSideInput || layout is not CoarseLayout coarse) return null;
        var slots = layout.Slots;
        var semanticAt = new Dictionary<int, int>();
        for (var i = 0; i < slots.Count; i++) if (slots[i].Stream == LayoutStream.Semantic) semanticAt[slots[i].Frame] = i;
        var index = new int[slots.Count];
        for (var j = 0; j < slots.Count; j++)
            index[j] = j + 1 < slots.Count && j + 1 >= layout.PrefixLength && semanticAt.TryGetValue(slots[j + 1].Frame / coarse.FrameRatio, out var s) ? s : -1;
        return index;
    }

    /// <summary>
    /// Side ids (B, count) of input positions <paramref name="from"/>…<paramref name="from"/> + count − 1, gathered on
    /// the model's device from <paramref name="tokens"/> (B, ≥ prefix length: every side index points into the
    /// prefix), −1 where a position has none; null when the stage adds none.
    /// </summary>
    private Tensor? SideIds(Tensor tokens, int from, int count)
    {
        if (sideIndex is null) return null;
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(sideIndex[from..(from + count)].Select(i => (long)i).ToArray(), count).to(tokens.device);   // (count)
        var ids = tokens.index_select(1, index.clamp_min(0)).masked_fill(index.lt(0).unsqueeze(0), -1);                      // (B, count)
        return ids.to(Device).MoveToOuterDisposeScope();
    }

    private void CheckSequences(Tensor s)
    {
        if (s.dim() != 2 || s.size(1) != Layout.Length)
            throw new ArgumentException($"sequences must be (B, L = {Layout.Length}) for this {Kind} stage's layout, got [{string.Join(", ", s.shape)}]", nameof(s));
    }

    /// <summary>
    /// Samples the target part of each prefix (each of length <see cref="TokenLayout.PrefixLength"/>, as
    /// <see cref="TokenLayout"/>'s Prefix builds it); rows are independent. With a guidance scale other than 1 each
    /// row is run twice, once with the conditioning replaced by the learned null, and the two mixed
    /// (<see cref="Sampler.Guide"/>). <paramref name="targetStarts"/>, if given, fixes the first target tokens of a
    /// row (continuation of an earlier window); the rest is sampled. Returns the target tokens (B × T_target).
    /// </summary>
    public long[][] Generate(IReadOnlyList<long[]> prefixes, SamplingConfig? sampling = null, IReadOnlyList<long[]>? targetStarts = null,
                             IProgress<GenerationProgress>? progress = null, CancellationToken cancellation = default)
    {
        var cfg = sampling ?? Config.Sampling;
        cfg.Validate();
        ArgumentNullException.ThrowIfNull(prefixes);
        if (prefixes.Count == 0) throw new ArgumentException("give at least one prefix", nameof(prefixes));
        int P = Layout.PrefixLength, T = Layout.TargetLength, B = prefixes.Count;
        foreach (var p in prefixes)
        {
            if (p.Length != P) throw new ArgumentException($"each prefix must have {P} tokens for this {Kind} stage, got {p.Length}", nameof(prefixes));
            for (var i = 0; i < P; i++)
                if (p[i] < 0 || p[i] >= Layout.Vocabulary.Size)
                    throw new ArgumentOutOfRangeException(nameof(prefixes), $"prefix token {i} = {p[i]} is outside the vocabulary [0, {Layout.Vocabulary.Size})");
        }
        if (targetStarts is not null)
        {
            if (targetStarts.Count != B) throw new ArgumentException($"give one target start per prefix ({B}), got {targetStarts.Count}", nameof(targetStarts));
            foreach (var s in targetStarts)
            {
                if (s.Length > T) throw new ArgumentException($"a target start has {s.Length} tokens, more than the target's {T}", nameof(targetStarts));
                for (var i = 0; i < s.Length; i++)
                    if (!Layout.TargetRange(i).Contains(s[i]))
                        throw new ArgumentOutOfRangeException(nameof(targetStarts), $"target start token {i} = {s[i]} is not in {Layout.TargetRange(i)}");
            }
        }

        var guided = cfg.NeedsUnconditional;
        var rows = prefixes.ToList();
        if (guided) rows.AddRange(prefixes.Select(Layout.WithNullConditioning));
        var R = rows.Count;
        var output = Enumerable.Range(0, B).Select(_ => new long[T]).ToArray();
        var wasTraining = training;
        eval();
        torch.manual_seed(cfg.Seed);
        var watch = Stopwatch.StartNew();
        try
        {
            using var _ = torch.no_grad();
            using var cache = transformer.NewCache();
            var flat = rows.SelectMany(r => r).ToArray();
            Tensor logits;
            using var prefix = torch.tensor(flat, R, P).to(Device);                             // (R, P)
            using var side = SideIds(prefix, 0, P + T - 1);                                  // (R, L−1) or null: side ids come from the prefix
            using (var prefixSide = side?.narrow(1, 0, P))
            using (var all = transformer.forward(prefix, Positions.narrow(0, 0, P), cache, side: prefixSide))
                logits = all.select(1, P - 1).contiguous();                                  // (R, V)
            for (var i = 0; i < T; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var range = Layout.TargetRange(i);
                long[] next;
                using (var scope = torch.NewDisposeScope())
                {
                    var scores = guided
                        ? Sampler.Guide(logits.narrow(0, 0, B), logits.narrow(0, B, B), cfg.GuidanceScale)
                        : logits;                                                            // (B, V)
                    var legal = scores.narrow(1, range.Offset, range.Size);                   // (B, K_level)
                    next = Sampler.Sample(legal, cfg).cpu().ToArray<long>();
                }
                for (var b = 0; b < B; b++)
                    output[b][i] = targetStarts is not null && i < targetStarts[b].Length ? targetStarts[b][i] : next[b] + range.Offset;
                logits.Dispose();
                if (i == T - 1) break;
                var feed = new long[R];
                for (var r = 0; r < R; r++) feed[r] = output[r % B][i];
                using var step = torch.tensor(feed, R, 1).to(Device);
                using var stepSide = side?.narrow(1, P + i, 1);                              // (R, 1) or null
                using var stepLogits = transformer.forward(step, Positions.narrow(0, P + i, 1), cache, side: stepSide);   // (R, 1, V)
                logits = stepLogits.select(1, 0).contiguous();
                progress?.Report(new GenerationProgress(i + 1, T, watch.Elapsed));
            }
            progress?.Report(new GenerationProgress(T, T, watch.Elapsed));
        }
        finally
        {
            train(wasTraining);
        }
        return output;
    }

    // ---- checkpoints ----

    /// <summary>Saves the stage: weights as safetensors, the <see cref="StageConfig"/> as JSON beside them.</summary>
    public void Save(string path, IReadOnlyDictionary<string, Tensor>? optimizerState = null) => Checkpoint.Save(path, this, Config, optimizerState);

    /// <summary>
    /// Loads a stage saved by <see cref="Save"/>. With <paramref name="expected"/>, a checkpoint of another stage is
    /// refused with a <see cref="CheckpointFormatException"/> that says which stage it holds.
    /// </summary>
    public static StageModel Load(string path, StageKind? expected = null)
    {
        var config = Checkpoint.Load<StageConfig>(path);
        if (expected is { } k && config.Kind != k)
            throw new CheckpointFormatException(path, $"this checkpoint holds the {config.Kind.ToString().ToLowerInvariant()} stage, not the {k.ToString().ToLowerInvariant()} stage");
        StageModel model;
        try { model = new StageModel(config); }
        catch (ArgumentException ex) { throw new CheckpointFormatException(Checkpoint.ConfigPath(path), $"the stage config is not valid: {ex.Message}", ex); }
        try { Checkpoint.LoadInto(path, model); }
        catch { model.Dispose(); throw; }
        return model;
    }

    protected override string ExtraRepr() => $"{Kind} stage, {Layout.Length} tokens ({Layout.PrefixLength} prefix + {Layout.TargetLength} target), vocabulary {Layout.Vocabulary.Size}";
}

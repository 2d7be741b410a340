using System.Text.Json;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Transformers;

/// <summary>
/// A decoder-only transformer over one flat token sequence, as each MusicLM stage is (§3.2, §4.1; nanoGPT's GPT):
/// token embedding <c>wte</c> → blocks <c>h</c> (causal self-attention with rotary positions, optional
/// cross-attention, MLP) → <c>ln_f</c> → <c>lm_head</c>. Positions are given by the caller (a stage's token
/// layout knows them: time-aligned across streams), not implied by the index.
/// </summary>
public sealed class TokenTransformer : Module
{
    public readonly Embedding wte;
    /// <summary>The side-id embedding (<see cref="TransformerConfig.SideInput"/>), or null.</summary>
    public readonly Embedding? wse;
    public readonly ModuleList<DecoderBlock> h;
    public readonly LayerNorm ln_f;
    public readonly Linear lm_head;

    public TransformerConfig Config { get; }

    public TokenTransformer(TransformerConfig config)
    {
        config.Validate();
        Config = config;
        wte = new Embedding(config.VocabularySize, config.Width);
        if (config.SideInput) wse = new Embedding(config.VocabularySize, config.Width);
        h = new ModuleList<DecoderBlock>(Enumerable.Range(0, config.Layers).Select(_ => new DecoderBlock(config)));
        ln_f = new LayerNorm(config.Width);
        lm_head = new Linear(config.Width, config.VocabularySize, bias: false);
        Initialize();
    }

    /// <summary>GPT-2's initialisation: N(0, 0.02) weights, zero biases, residual projections scaled by 1/√(2L).</summary>
    private void Initialize() =>
        InitializeGpt2(this, Config.Layers, name => name == "wse.weight");   // the side input starts as no input: the model begins as one without it

    /// <summary>
    /// GPT-2's initialisation of a decoder's parameters: N(0, 0.02) weights, zero biases, LayerNorms left at ones,
    /// residual projections (<c>…proj.weight</c>) N(0, 0.02/√(2L)); parameters <paramref name="zero"/> names start at 0.
    /// </summary>
    internal static void InitializeGpt2(Module model, int layers, Func<string, bool>? zero = null)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var residualStd = 0.02 / Math.Sqrt(2.0 * layers);
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) init.zeros_(p);
            else if (name.StartsWith("ln", StringComparison.Ordinal) || name.Contains(".ln_", StringComparison.Ordinal)) continue;   // LayerNorm: ones
            else if (name.EndsWith("proj.weight", StringComparison.Ordinal)) init.normal_(p, 0, residualStd);
            else if (zero?.Invoke(name) == true) init.zeros_(p);
            else init.normal_(p, 0, 0.02);
        }
    }

    public Device Device => lm_head.weight!.device;

    /// <summary>
    /// Logits (B, T, V) for tokens (B, T) at <paramref name="positions"/> (T). With a cache, the tokens continue
    /// the cached ones (their positions must be given: the layout's next ones). <paramref name="context"/>
    /// (B, S, Cx) and its padding mask (B, S; true = ignore) feed the cross-attention, if the model has one.
    /// <paramref name="side"/> (B, T), if given, adds the embedding of a second id (its own table <c>wse</c>) to each
    /// position's input (−1: none), as MusicGen sums its streams' embeddings; only a model with
    /// <see cref="TransformerConfig.SideInput"/> takes them.
    /// </summary>
    public Tensor forward(Tensor tokens, Tensor positions, TransformerCache? cache = null, Tensor? context = null, Tensor? contextMask = null, Tensor? side = null) =>
        Run(tokens, positions, cache, context, contextMask, side, keepWeights: false).logits;

    /// <summary>As <see cref="forward"/>, also returning every layer's self-attention weights (B, H, T, S), for display.</summary>
    public (Tensor logits, Tensor[] attention) forward_with_attention(Tensor tokens, Tensor positions, TransformerCache? cache = null,
                                                                      Tensor? context = null, Tensor? contextMask = null, Tensor? side = null)
    {
        var (logits, weights) = Run(tokens, positions, cache, context, contextMask, side, keepWeights: true);
        return (logits, weights!);
    }

    private (Tensor logits, Tensor[]? weights) Run(Tensor tokens, Tensor positions, TransformerCache? cache, Tensor? context, Tensor? contextMask, Tensor? side, bool keepWeights)
    {
        if (tokens.dim() != 2) throw new ArgumentException($"tokens must be (B, T), got [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        long B = tokens.size(0), T = tokens.size(1);
        if (positions.dim() != 1 || positions.size(0) != T)
            throw new ArgumentException($"positions must be (T) = ({T}), got [{string.Join(", ", positions.shape)}]", nameof(positions));
        var past = cache?.Length ?? 0;
        if (past + T > Config.MaxLength)
            throw new ArgumentException($"{past + T} positions exceed the model's MaxLength {Config.MaxLength}", nameof(tokens));
        if (context is not null && Config.ContextWidth is null) throw new ArgumentException("this model has no cross-attention; give no context", nameof(context));
        if (context is not null && (context.dim() != 3 || context.size(0) != B || context.size(2) != Config.ContextWidth))
            throw new ArgumentException($"context must be (B, S, {Config.ContextWidth}) with B = {B}, got [{string.Join(", ", context.shape)}]", nameof(context));
        if (Config.ContextWidth is not null && context is null && cache?.Context[0] is null)
            throw new ArgumentException("this model cross-attends: give the context states", nameof(context));
        if (cache is not null && cache.Layers.Length != h.Count) throw new ArgumentException($"the cache has {cache.Layers.Length} layers, the model {h.Count}", nameof(cache));
        CheckRange(tokens);
        if (side is not null && wse is null) throw new ArgumentException("this model has no side-input table (TransformerConfig.SideInput); give no side ids", nameof(side));
        if (side is not null && (side.dim() != 2 || side.size(0) != B || side.size(1) != T))
            throw new ArgumentException($"side ids must be (B, T) = ({B}, {T}) like the tokens, got [{string.Join(", ", side.shape)}]", nameof(side));

        using var scope = torch.NewDisposeScope();
        var (cos, sin) = RotaryEmbedding.Angles(positions, Config.HeadDim, Config.RotaryBase, Device);   // (T, hd/2)
        var embedded = wte.forward(tokens);                                                         // (B, T, C)
        if (side is not null)
        {
            var ids = side.clamp_min(0);                                                            // −1 (none) looks up id 0, masked out below
            CheckRange(ids);
            var present = side.ge(0).unsqueeze(-1).to(embedded.dtype);                              // (B, T, 1)
            embedded = embedded + wse!.forward(ids) * present;
        }
        var x = F.dropout(embedded, Config.Dropout, training && Config.Dropout > 0);                // (B, T, C)
        var weights = keepWeights ? new Tensor[h.Count] : null;
        for (var i = 0; i < h.Count; i++)
        {
            var kv = cache?.Context[i];
            if (kv is null && context is not null)
            {
                kv = h[i].cross!.KeysValues(context);
                if (cache is not null)
                {
                    kv.Value.keys.DetachFromDisposeScope();
                    kv.Value.values.DetachFromDisposeScope();
                    cache.Context[i] = kv;
                }
            }
            var (y, w) = h[i].forward(x, cos, sin, cache?.Layers[i], kv, contextMask, keepWeights);
            x = y;
            if (weights is not null) weights[i] = w!.MoveToOuterDisposeScope();
        }
        var logits = lm_head.forward(ln_f.forward(x));                                             // (B, T, V)
        return (logits.MoveToOuterDisposeScope(), weights);
    }

    private void CheckRange(Tensor tokens)
    {
        if (tokens.dtype != ScalarType.Int64) throw new ArgumentException($"tokens must be int64, got {tokens.dtype}", nameof(tokens));
        if (tokens.numel() == 0) return;
        using var lo = tokens.min();
        using var hi = tokens.max();
        long a = (long)lo.item(), b = (long)hi.item();
        if (a < 0 || b >= Config.VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(tokens), $"token ids must be in [0, {Config.VocabularySize}), got values from {a} to {b}");
    }

    /// <summary>A cache for decoding up to <see cref="TransformerConfig.MaxLength"/> positions.</summary>
    public TransformerCache NewCache() => new(Config.Layers, Config.MaxLength);

    /// <summary>Saves weights (safetensors) and the config (JSON beside it).</summary>
    public void Save(string path) => Checkpoint.Save(path, this, Config);

    public static TokenTransformer Load(string path)
    {
        var config = Checkpoint.Load<TransformerConfig>(path);
        var model = new TokenTransformer(config);
        try { Checkpoint.LoadInto(path, model); }
        catch { model.Dispose(); throw; }
        return model;
    }

    protected override string ExtraRepr() => $"{Config.Layers} layers × {Config.Heads} heads × width {Config.Width}, vocabulary {Config.VocabularySize}";
}

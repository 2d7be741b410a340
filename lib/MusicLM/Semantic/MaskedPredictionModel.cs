using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Semantic;

/// <summary>
/// HuBERT's masked-prediction network at course size (Hsu et al. 2021 §II–III): standardised frames (B, T, F) →
/// linear projection → masked frames replaced by the learned vector <c>mask_emb</c> → convolutional position
/// embedding (wav2vec 2.0 §4.2) → pre-LN blocks → final LayerNorm → logits over the K iteration-0 clusters.
/// The mask is applied after the projection of single frames, never to stacked context, so a masked frame's
/// content cannot leak in through its neighbours.
/// </summary>
public sealed class MaskedPredictionModel : Module
{
    public readonly Linear input_proj;
    public readonly Parameter mask_emb;
    public readonly Conv1d pos_conv;
    public readonly ModuleList<EncoderBlock> blocks;
    public readonly LayerNorm ln_f;
    public readonly Linear head;

    public MaskedPredictionModel(int inputDim, int classes, MaskedPredictionConfig config)
    {
        config.Validate();
        if (inputDim < 1 || classes < 1) throw new ArgumentException($"inputDim and classes must be positive, got {inputDim}, {classes}");
        Config = config;
        long c = config.Width;
        input_proj = new Linear(inputDim, c);
        using (var u = torch.rand(c)) mask_emb = new Parameter(u);            // HuBERT: uniform_() init
        pos_conv = new Conv1d(c, c, config.PositionKernel, padding: config.PositionKernel / 2, groups: config.PositionGroups);
        blocks = new ModuleList<EncoderBlock>(Enumerable.Range(0, config.Layers).Select(_ => new EncoderBlock(c, config.Heads, c * config.MlpRatio)));
        ln_f = new LayerNorm(c);
        head = new Linear(c, classes);
    }

    public MaskedPredictionConfig Config { get; }
    public long InputDim => input_proj.in_features;
    public long Classes => head.out_features;
    /// <summary>Where the weights live; <see cref="forward"/> and <see cref="Hidden"/> move frames and mask here.</summary>
    public Device Device => mask_emb.device;

    /// <summary>Logits (B, T, K) for frames (B, T, F); <paramref name="mask"/> (B, T) bool marks the frames to hide.</summary>
    public Tensor forward(Tensor frames, Tensor? mask = null)
    {
        using var scope = torch.NewDisposeScope();
        var x = Hidden(frames, mask, blocks.Count);                             // (B, T, C)
        return head.forward(ln_f.forward(x)).MoveToOuterDisposeScope();         // (B, T, K)
    }

    /// <summary>
    /// The residual stream after the first <paramref name="layers"/> blocks (0: the input embedding):
    /// frames (B, T, F) → (B, T, C). These are the features that iteration 1 clusters.
    /// </summary>
    public Tensor Hidden(Tensor frames, Tensor? mask, int layers)
    {
        if (frames.dim() != 3 || frames.size(2) != InputDim)
            throw new ArgumentException($"frames must be (B, T, {InputDim}), got [{string.Join(", ", frames.shape)}]", nameof(frames));
        if (layers < 0 || layers > blocks.Count) throw new ArgumentException($"layers must be between 0 and {blocks.Count}, got {layers}", nameof(layers));
        using var scope = torch.NewDisposeScope();
        var x = input_proj.forward(frames.to(Device));                          // (B, T, C)
        if (mask is not null) x = torch.where(mask.to(Device).unsqueeze(-1), mask_emb.expand_as(x), x);
        var pos = pos_conv.forward(x.transpose(1, 2)).transpose(1, 2);        // (B, T, C)
        x = x + pos.gelu();
        for (int i = 0; i < layers; i++) x = blocks[i].forward(x);              // (B, T, C)
        return x.MoveToOuterDisposeScope();
    }
}

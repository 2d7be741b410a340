using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.MuLan;

/// <summary>Token ids (B, L) and a padding mask (B, L) → embedding (B, E), not yet normalised (see <see cref="TextTowerConfig"/>).</summary>
public sealed class TextTower : Module
{
    public readonly Embedding wte;
    public readonly Parameter wpe;
    public readonly ModuleList<TransformerBlock> blocks;
    public readonly LayerNorm ln_f;
    public readonly Linear proj;

    public TextTowerConfig Config { get; }

    public TextTower(TextTowerConfig config, int embeddingDim)
    {
        Config = config;
        wte = new Embedding(config.VocabSize, config.Width, padding_idx: CaptionTokenizer.PadId);
        using (torch.no_grad()) wte.weight.mul_(0.02);                       // GPT-2's N(0, 0.02) rather than N(0, 1)
        using (var p = torch.randn(config.MaxLength, config.Width)) wpe = new Parameter(p * 0.02);
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config.Width, config.Heads, config.Dropout)));
        ln_f = new LayerNorm(config.Width);
        proj = new Linear(config.Width, embeddingDim);
    }

    /// <summary>ids (B, L) int64, paddingMask (B, L) bool (true at padding) → (B, E): the mean of the caption's token states.</summary>
    public Tensor forward(Tensor ids, Tensor paddingMask)
    {
        using var scope = torch.NewDisposeScope();
        var x = States(ids, paddingMask);                                    // (B, L, W)
        var keep = paddingMask.logical_not().unsqueeze(-1).to(x.dtype);      // (B, L, 1)
        var pooled = (x * keep).sum(1) / keep.sum(1).clamp_min(1);           // (B, W)
        return proj.forward(pooled).MoveToOuterDisposeScope();               // (B, E)
    }

    /// <summary>
    /// The caption's token states (B, L, W) after the last block and <c>ln_f</c>, before pooling: what a model that
    /// cross-attends to the text reads (MusicGen reads T5's states the same way). Rows at padding are not meaningful.
    /// </summary>
    public Tensor States(Tensor ids, Tensor paddingMask)
    {
        if (ids.dim() != 2 || ids.size(1) > Config.MaxLength)
            throw new ArgumentException($"token ids must be (B, L) with L ≤ {Config.MaxLength}, got [{string.Join(", ", ids.shape)}]", nameof(ids));
        using var scope = torch.NewDisposeScope();
        long L = ids.size(1);
        var x = wte.forward(ids) + wpe.narrow(0, 0, L);                     // (B, L, W)
        x = F.dropout(x, Config.Dropout, training && Config.Dropout > 0);
        foreach (var block in blocks) x = block.forward(x, paddingMask);     // (B, L, W)
        return ln_f.forward(x).MoveToOuterDisposeScope();
    }
}

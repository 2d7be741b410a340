using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Cli.Bench;

/// <summary>
/// The decoder-only language model of engine benchmarks B2 and B3: learned positions, pre-LayerNorm
/// blocks with fused-qkv attention and an exact-GELU feed-forward, final LayerNorm, linear head.
/// </summary>
public sealed class TinyLM : Module
{
    private readonly Embedding emb;
    private readonly Embedding pos;
    private readonly ModuleList blocks;
    private readonly LayerNorm ln;
    private readonly Linear head;

    public long Vocab { get; }
    public long Width { get; }
    public long Heads { get; }
    public long MaxLength { get; }

    public TinyLM(long vocab = 1024, long width = 512, long heads = 8, long ff = 2048, long layers = 6, long maxLength = 256)
    {
        (Vocab, Width, Heads, MaxLength) = (vocab, width, heads, maxLength);
        emb = new Embedding(vocab, width);
        pos = new Embedding(maxLength, width);
        blocks = new ModuleList();
        for (int i = 0; i < layers; i++) blocks.Add(new Block(width, heads, ff));
        ln = new LayerNorm(width);
        head = new Linear(width, vocab);
    }

    /// <summary>Logits (B, T, vocab) for tokens (B, T) starting at position <paramref name="start"/>.</summary>
    public Tensor forward(Tensor idx, IReadOnlyList<KVCache>? caches = null, long start = 0)
    {
        long t = idx.size(1);
        using var positions = torch.arange(start, start + t);
        var x = emb.forward(idx) + pos.forward(positions);               // (B, T, C)
        for (int i = 0; i < blocks.Count; i++)
            x = ((Block)blocks[i]).forward(x, caches?[i]);
        return head.forward(ln.forward(x));                              // (B, T, V)
    }

    public int Layers => blocks.Count;

    private sealed class Block : Module
    {
        private readonly LayerNorm ln1;
        private readonly MultiheadAttention attn;
        private readonly LayerNorm ln2;
        private readonly Linear f1;
        private readonly Linear f2;

        public Block(long width, long heads, long ff)
        {
            ln1 = new LayerNorm(width);
            attn = new MultiheadAttention(width, heads);
            ln2 = new LayerNorm(width);
            f1 = new Linear(width, ff);
            f2 = new Linear(ff, width);
        }

        public Tensor forward(Tensor x, KVCache? cache)
        {
            x = x + attn.forward(ln1.forward(x), causal: true, cache: cache);   // (B, T, C)
            return x + f2.forward(f1.forward(ln2.forward(x)).gelu());
        }
    }
}

using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// A lookup table: token ids (any shape) → vectors (..., embedding_dim). <c>weight</c> (num_embeddings,
/// embedding_dim) ~ N(0, 1) as in PyTorch; the <c>padding_idx</c> row starts at zero and gets no gradient.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public Parameter weight;

    public long num_embeddings { get; }
    public long embedding_dim { get; }
    public long? padding_idx { get; }

    public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null)
    {
        if (padding_idx is long p && (p < -num_embeddings || p >= num_embeddings))
            throw new ArgumentOutOfRangeException(nameof(padding_idx), padding_idx, $"padding_idx must be within [-{num_embeddings}, {num_embeddings})");
        this.num_embeddings = num_embeddings;
        this.embedding_dim = embedding_dim;
        this.padding_idx = padding_idx is long q && q < 0 ? q + num_embeddings : padding_idx;
        using var w = torch.empty(num_embeddings, embedding_dim);
        init.normal_(w);
        if (this.padding_idx is long row)
            using (var r = w.select(0, row)) r.zero_();
        weight = new Parameter(w);
    }

    // (...) int64 -> (..., embedding_dim)
    public override Tensor forward(Tensor ids) => F.embedding(ids, weight, padding_idx ?? -1);

    protected override string ExtraRepr() => $"{num_embeddings}, {embedding_dim}" + (padding_idx is null ? "" : $", padding_idx={padding_idx}");
}

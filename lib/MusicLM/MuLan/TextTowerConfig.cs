namespace MusicLM.MuLan;

/// <summary>
/// The text tower: token and position embeddings → <see cref="Layers"/> pre-norm transformer blocks → the mean
/// over the caption's tokens (padding excluded) → a linear map into the joint space. MuLan used a pretrained
/// BERT; the course learns a small one from the captions alone.
/// </summary>
public sealed record TextTowerConfig
{
    public int Width { get; init; } = 128;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    /// <summary>Rows of the token embedding: the tokenizer's vocabulary size.</summary>
    public int VocabSize { get; init; } = 512;
    /// <summary>Positions: the tokenizer's maximum caption length.</summary>
    public int MaxLength { get; init; } = 64;
    public double Dropout { get; init; } = 0.1;

    public static TextTowerConfig Course => new();

    internal void Validate()
    {
        if (Width < 1 || Layers < 0 || Heads < 1 || Width % Heads != 0) throw new ArgumentException($"the text tower's Width ({Width}) must divide into Heads ({Heads}) and Layers ≥ 0");
        if (VocabSize < 2 || MaxLength < 1) throw new ArgumentException($"the text tower needs VocabSize ≥ 2 and MaxLength ≥ 1, got {VocabSize}, {MaxLength}");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"Dropout must be in [0, 1), got {Dropout}");
    }
}
